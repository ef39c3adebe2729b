#include "pconv/interop.h"

#include "architecture_archive.h"
#include "archive_guard.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/nn/pconv_unet.h"

#include <torch/serialize.h>
#include <torch/serialize/input-archive.h>
#include <torch/utils.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

namespace pconv {
namespace {

std::vector<char> readBytes(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw FileError(path, "no such file");
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty()) throw FileError(path, "file is empty");
    return bytes;
}

// The port's state_dict as name -> tensor ('model' entry of a checkpoint, or the dict itself).
std::map<std::string, torch::Tensor> loadPortStateDict(const std::string& path) {
    checkIsTorchSaveFile(path, "a PyTorch checkpoint (torch.save() file)");
    c10::IValue value;
    try {
        value = torch::pickle_load(readBytes(path));
    } catch (const FileError&) {
        throw;
    } catch (const std::exception& e) {
        throw FileError(path, "neither a PConv Studio model nor a PyTorch checkpoint (torch.save() file): " + firstLine(e.what()));
    }
    if (!value.isGenericDict()) throw FileError(path, "expected a dict (a checkpoint or a state_dict)");
    auto dict = value.toGenericDict();
    if (auto it = dict.find(c10::IValue(std::string("format"))); it != dict.end() && it->value().isString() &&
                                                                 it->value().toStringRef() == "pconv-studio")
        throw FileError(path, "is a PConv Studio model exported for PyTorch (for torch.load in Python); convert the .pconv it came from");
    if (auto it = dict.find(c10::IValue(std::string("model"))); it != dict.end()) {
        if (!it->value().isGenericDict()) throw FileError(path, "its 'model' entry is not a state_dict");
        dict = it->value().toGenericDict();
    }
    std::map<std::string, torch::Tensor> tensors;
    for (const auto& item : dict)
        if (item.key().isString() && item.value().isTensor()) tensors[item.key().toStringRef()] = item.value().toTensor();
    return tensors;
}

// Our parameter name -> the port's ("enc3.conv.weight" -> "enc_3.conv.input_conv.weight").
std::string portName(const std::string& ours) {
    static const std::regex layer(R"((enc|dec)(\d+)\.(conv\.weight|bias))");
    static const std::regex norm(R"((enc|dec)(\d+)_norm\.(\w+))");
    std::smatch m;
    if (std::regex_match(ours, m, layer))
        return m[1].str() + "_" + m[2].str() + ".conv.input_conv." + (m[3].str() == "bias" ? "bias" : "weight");
    if (std::regex_match(ours, m, norm)) return m[1].str() + "_" + m[2].str() + ".bn." + m[3].str();
    return {};
}

} // namespace

PConvModel importPytorchPortCheckpoint(const std::string& path) {
    const auto port = loadPortStateDict(path);
    auto first = port.find("enc_1.conv.input_conv.weight");
    if (first == port.end())
        throw FileError(path, "no 'enc_1.conv.input_conv.weight': not a checkpoint of the naoto0804 PyTorch port's layout");
    int depth = 0;
    while (port.count("enc_" + std::to_string(depth + 1) + ".conv.input_conv.weight")) ++depth;
    ModelConfig config;
    config.depth = depth;
    config.width = static_cast<int>(first->second.size(0));
    config.norm = NormKind::Batch;
    config.normalization = InputNormalization::ImageNet;  // the port feeds ImageNet-normalised images
    try {
        validate(config);
    } catch (const Error& e) {
        throw FileError(path, e.what());
    }
    PConvModel model = PConvModel::create(config);
    auto& net = model.network();
    torch::NoGradGuard noGrad;
    auto assign = [&](const std::string& name, torch::Tensor& target) {
        const std::string key = portName(name);
        const auto it = port.find(key);
        if (it == port.end()) {
            // The port's layers have no bias except the last; ours start at zero then.
            if (key.size() > 5 && key.substr(key.size() - 5) == ".bias" && key.find(".conv.") != std::string::npos) {
                target.zero_();
                return;
            }
            throw FileError(path, "missing '" + key + "' (needed for " + name + ")");
        }
        torch::Tensor value = it->second.to(torch::kFloat32);
        if (value.sizes() != target.sizes()) {
            std::ostringstream msg;
            msg << "'" << key << "' has shape " << value.sizes() << ", expected " << target.sizes();
            throw FileError(path, msg.str());
        }
        // The port divides by sum(M) only; scaling W by 1 / (C_in*k*k) compensates our sum(1)/sum(M).
        if (name.size() > 12 && name.substr(name.size() - 12) == ".conv.weight")
            value = value / static_cast<double>(value.size(1) * value.size(2) * value.size(3));
        target.copy_(value.to(target.scalar_type()));
    };
    for (auto& item : net.named_parameters()) assign(item.key(), item.value());
    for (auto& item : net.named_buffers())
        if (item.key().find("num_batches_tracked") == std::string::npos || port.count(portName(item.key())))
            assign(item.key(), item.value());
    model.setMetadata("imported_from", path + " (naoto0804 PyTorch port layout)");
    return model;
}

void exportPytorchStateDict(const PConvModel& model, const std::string& path) {
    c10::Dict<std::string, torch::Tensor> stateDict;
    for (const auto& item : model.network().named_parameters()) stateDict.insert(item.key(), item.value().detach().contiguous());
    for (const auto& item : model.network().named_buffers()) stateDict.insert(item.key(), item.value().detach().contiguous());
    c10::impl::GenericDict config(c10::StringType::get(), c10::AnyType::get());
    config.insert(c10::IValue(std::string("depth")), c10::IValue(static_cast<int64_t>(model.config().depth)));
    config.insert(c10::IValue(std::string("width")), c10::IValue(static_cast<int64_t>(model.config().width)));
    config.insert(c10::IValue(std::string("norm")), c10::IValue(toString(model.config().norm)));
    config.insert(c10::IValue(std::string("normalization")), c10::IValue(toString(model.config().normalization)));
    config.insert(c10::IValue(std::string("full_res_channels")), c10::IValue(static_cast<int64_t>(model.config().fullResChannels)));
    config.insert(c10::IValue(std::string("scale_skips_separately")), c10::IValue(model.config().scaleSkipsSeparately));
    c10::impl::GenericDict root(c10::StringType::get(), c10::AnyType::get());
    root.insert(c10::IValue(std::string("format")), c10::IValue(std::string("pconv-studio")));
    root.insert(c10::IValue(std::string("config")), c10::IValue(config));
    root.insert(c10::IValue(std::string("state_dict")), c10::IValue(stateDict));
    std::vector<char> bytes;
    try {
        bytes = torch::pickle_save(c10::IValue(root));
    } catch (const std::exception& e) {
        throw FileError(path, "cannot serialise: " + firstLine(e.what()));
    }
    writeFileAtomic(path, std::vector<unsigned char>(bytes.begin(), bytes.end()));
}

void checkIsTorchSaveFile(const std::string& path, const std::string& wanted) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw FileError(path, "no such file");
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    const std::string start(magic, static_cast<std::size_t>(in.gcount()));
    if (start.rfind("\xFF\xD8\xFF", 0) == 0 || start == "\x89PNG") throw FileError(path, "is an image, not " + wanted);
    // Not an archive, truncated, or damaged: said by the archive check, in its words. A
    // LibTorch archive (not torch.save()) is only then opened, to say which of ours it is.
    if (checkTorchArchiveIsSafe(path, "PyTorch file"))
        throw FileError(path, isPconvModelFile(path) ? "is a PConv Studio model file, not " + wanted
                                                     : "is a LibTorch archive (a PConv Studio training checkpoint?), not " + wanted);
}

bool isPconvModelFile(const std::string& path) {
    try {
        checkTorchArchiveIsSafe(path);
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        return readFormatName(archive) == kModelFormatName;
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace pconv
