#include "checkpoint.h"
#include "training_device.h"

#include "pconv/train/trainer.h"

#include "../architecture_archive.h"
#include "../archive_guard.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/nn/module_io.h"
#include "pconv/nn/pconv_unet.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/optim/adam.h>
#include <torch/serialize/output-archive.h>

#include <filesystem>

namespace pconv::train {
namespace {

template <typename Fn>
auto wrapErrors(const std::string& path, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const FileError&) {
        throw;
    } catch (const std::exception& e) {
        throw FileError(path, "bad checkpoint: " + firstLine(e.what()));
    }
}

c10::IValue readValue(torch::serialize::InputArchive& archive, const std::string& key) {
    c10::IValue value;
    if (!archive.try_read(key, value)) throw Error("missing '" + key + "' entry");
    return value;
}

} // namespace

void writeCheckpoint(const std::string& path, const PConvModel& model, torch::optim::Optimizer& optimizer, const CheckpointState& state) {
    torch::serialize::OutputArchive archive;
    archive.write(kFormatKey, c10::IValue(std::string(kCheckpointFormatName)));
    archive.write("step", c10::IValue(state.step));
    archive.write("best_psnr", c10::IValue(state.bestPsnr));
    archive.write("train_seconds", c10::IValue(state.trainSeconds));
    archive.write("run_settings", c10::IValue(state.runSettings));
    archive.write("validation_set", c10::IValue(state.validationSet));
    writeArchitecture(archive, model.config());
    torch::serialize::OutputArchive weights, optimizerArchive;
    model.network().save(weights);
    archive.write("weights", weights);
    optimizer.save(optimizerArchive);
    archive.write("optimizer", optimizerArchive);
    archive.write("rng_state", at::detail::getDefaultCPUGenerator().get_state(), /*is_buffer=*/true);

    std::vector<unsigned char> bytes;
    archive.save_to([&bytes](const void* data, size_t size) {
        const auto* p = static_cast<const unsigned char*>(data);
        bytes.insert(bytes.end(), p, p + size);
        return size;
    });
    writeFileAtomic(path, bytes);
}

CheckpointReader::CheckpointReader(const std::string& path) : path_(path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw FileError(path, "no such checkpoint file");
    if (std::filesystem::file_size(path, ec) == 0) throw FileError(path, "checkpoint file is empty");
    wrapErrors(path, [&] {
        checkTorchArchiveIsSafe(path, "checkpoint");
        try {
            archive_.load_from(path);
        } catch (const std::exception& e) {
            throw FileError(path, "not a readable checkpoint (truncated or corrupt): " + firstLine(e.what()));
        }
        if (readFormatName(archive_) != kCheckpointFormatName)
            throw Error("not a PConv Studio training checkpoint (a model file? pconv train starts from one with --init, pconv compact takes one with --model)");
        state_.step = readValue(archive_, "step").toInt();
        state_.bestPsnr = readValue(archive_, "best_psnr").toDouble();
        state_.trainSeconds = readValue(archive_, "train_seconds").toDouble();
        // Checkpoints from before run settings were kept have none.
        if (c10::IValue settings; archive_.try_read("run_settings", settings) && settings.isString()) state_.runSettings = settings.toStringRef();
        if (c10::IValue set; archive_.try_read("validation_set", set) && set.isString()) state_.validationSet = set.toStringRef();
        config_ = readArchitecture(archive_);
        if (state_.step < 0) throw Error("negative step");
    });
}

PConvModel CheckpointReader::loadModel() {
    return wrapErrors(path_, [&] {
        PConvModel model = PConvModel::create(config_);
        torch::serialize::InputArchive weights;
        if (!archive_.try_read("weights", weights)) throw Error("missing 'weights' entry");
        nn::loadModuleChecked(model.network(), weights);
        return model;
    });
}

void CheckpointReader::loadOptimizer(torch::optim::Optimizer& optimizer) {
    wrapErrors(path_, [&] {
        torch::serialize::InputArchive optimizerArchive;
        if (!archive_.try_read("optimizer", optimizerArchive)) throw Error("missing 'optimizer' entry");
        optimizer.load(optimizerArchive);
        moveOptimizerState(optimizer, torch::kFloat);  // a compact checkpoint stores them in 16 bits
    });
}

void CheckpointReader::restoreRandomState() {
    wrapErrors(path_, [&] {
        torch::Tensor state;
        if (archive_.try_read("rng_state", state, /*is_buffer=*/true)) {
            auto generator = at::detail::getDefaultCPUGenerator();
            generator.set_state(state);
        }
    });
}

} // namespace pconv::train

namespace pconv {

std::uintmax_t compactCheckpoint(const std::string& from, const std::string& to) {
    using namespace train;
    CheckpointReader reader(from);
    const PConvModel model = reader.loadModel();
    torch::optim::Adam adam(model.network().parameters(), torch::optim::AdamOptions());  // the stored options replace these
    reader.loadOptimizer(adam);
    reader.restoreRandomState();  // writeCheckpoint stores the generator's current state
    moveOptimizerState(adam, torch::kBFloat16);
    writeCheckpoint(to, model, adam, reader.state());
    std::error_code ec;
    return std::filesystem::file_size(to, ec);
}

} // namespace pconv
