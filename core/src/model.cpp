#include "pconv/model.h"

#include "architecture_archive.h"
#include "archive_guard.h"
#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/nn/memory_format.h"
#include "pconv/nn/module_io.h"
#include "pconv/nn/pconv_unet.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include <filesystem>
#include <sstream>

namespace pconv {
namespace {

// 2: an optional full-resolution stem and separate skip scaling (arch_full_res_channels,
// arch_scale_skips_separately).
constexpr int64_t kFormatVersion = 2;

// Metadata travels as "key=value" lines; newlines inside values are escaped.
std::string encodeMetadata(const std::map<std::string, std::string>& metadata) {
    std::string out;
    for (const auto& [key, value] : metadata) {
        out += key + "=";
        for (char c : value) out += c == '\n' ? std::string("\\n") : c == '\\' ? std::string("\\\\") : std::string(1, c);
        out += "\n";
    }
    return out;
}

std::map<std::string, std::string> decodeMetadata(const std::string& text) {
    std::map<std::string, std::string> metadata;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        std::string value;
        for (size_t i = eq + 1; i < line.size(); ++i) {
            if (line[i] == '\\' && i + 1 < line.size()) {
                value += line[i + 1] == 'n' ? '\n' : line[i + 1];
                ++i;
            } else {
                value += line[i];
            }
        }
        metadata[line.substr(0, eq)] = value;
    }
    return metadata;
}

} // namespace

struct PConvModel::State {
    ModelConfig config;
    nn::PConvUNet network{nullptr};
    std::map<std::string, std::string> metadata;
};

PConvModel::PConvModel(std::shared_ptr<State> state) : state_(std::move(state)) {}

PConvModel PConvModel::create(const ModelConfig& config, std::uint64_t seed) {
    validate(config);
    auto state = std::make_shared<State>();
    state->config = config;
    torch::manual_seed(seed);
    try {
        state->network = nn::PConvUNet(config);
    } catch (const std::exception& e) {  // c10::Error or std::bad_alloc from the allocator
        throw InvalidArgument("cannot build a " + describe(config) + " network (" + firstLine(e.what()) +
                              "): not enough memory? Choose a smaller width or depth");
    }
    nn::useChannelsLast(*state->network);
    state->network->eval();
    return PConvModel(std::move(state));
}

PConvModel PConvModel::load(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) throw FileError(path, "no such model file");
    if (fs::is_directory(path, ec)) throw FileError(path, "is a directory, expected a model file");
    if (fs::file_size(path, ec) == 0) throw FileError(path, "model file is empty");

    if (!checkTorchArchiveIsSafe(path))
        throw FileError(path, "is a PyTorch torch.save() file, not a PConv Studio model: if pconv convert exported it, use the .pconv it "
                              "was made from; a checkpoint of the PyTorch port converts with pconv convert --from " + path + " --to model.pconv");
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path);
    } catch (const std::exception& e) {
        throw FileError(path, "not a readable model file (truncated, corrupt or not a model): " + firstLine(e.what()));
    }
    try {
        const std::string format = readFormatName(archive);
        // The trainer's checkpoint.pt holds weights too, but is not a model: say which file is wanted.
        if (format == kCheckpointFormatName)
            throw Error("is a training checkpoint, not a model file: use the run's model.pconv or best.pconv (pconv compact takes a "
                        "checkpoint with --checkpoint, pconv train with --resume)");
        if (format != kModelFormatName)
            throw Error("not a PConv Studio model file (no '" + std::string(kFormatKey) + "' entry)");
        const int64_t version = readIntEntry(archive, "pconv_format_version");
        if (version > kFormatVersion)
            throw Error("model file format version " + std::to_string(version) + " is newer than this program supports (" +
                        std::to_string(kFormatVersion) + ")");

        const ModelConfig config = readArchitecture(archive);
        PConvModel model = create(config);
        torch::serialize::InputArchive weights;
        if (!archive.try_read("weights", weights)) throw Error("no 'weights' entry");
        nn::loadModuleChecked(*model.state_->network, weights);
        model.state_->metadata = decodeMetadata(readStringEntry(archive, "metadata"));
        return model;
    } catch (const FileError&) {
        throw;
    } catch (const std::exception& e) {
        throw FileError(path, firstLine(e.what()));
    }
}

void PConvModel::save(const std::string& path, WeightPrecision precision) const {
    torch::serialize::OutputArchive archive;
    archive.write(kFormatKey, c10::IValue(std::string(kModelFormatName)));
    // Version 1 readers can still load what has neither of version 2's options.
    const bool needsVersion2 = state_->config.fullResChannels > 0 || state_->config.scaleSkipsSeparately;
    archive.write("pconv_format_version", c10::IValue(needsVersion2 ? kFormatVersion : int64_t{1}));
    writeArchitecture(archive, state_->config);
    archive.write("metadata", c10::IValue(encodeMetadata(state_->metadata)));
    torch::serialize::OutputArchive weights;
    nn::saveModuleAs(*state_->network, weights, precision == WeightPrecision::Float16 ? torch::kHalf : torch::kFloat);
    archive.write("weights", weights);

    std::vector<unsigned char> bytes;
    try {
        archive.save_to([&bytes](const void* data, size_t size) {
            const auto* p = static_cast<const unsigned char*>(data);
            bytes.insert(bytes.end(), p, p + size);
            return size;
        });
    } catch (const std::exception& e) {
        throw FileError(path, "cannot serialise model: " + firstLine(e.what()));
    }
    writeFileAtomic(path, bytes);
}

const ModelConfig& PConvModel::config() const { return state_->config; }

std::int64_t PConvModel::parameterCount() const { return nn::parameterCount(*state_->network); }

const std::map<std::string, std::string>& PConvModel::metadata() const { return state_->metadata; }

void PConvModel::setMetadata(const std::string& key, const std::string& value) { state_->metadata[key] = value; }

nn::PConvUNetImpl& PConvModel::network() const { return *state_->network; }

} // namespace pconv
