// `pconv init-model`, `pconv info`, `pconv average` and `pconv compact`: model files themselves.
#include "arg_parser.h"
#include "commands.h"
#include "output_file.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/interop.h"
#include "pconv/model.h"
#include "pconv/model_average.h"
#include "pconv/train/trainer.h"

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>

namespace pconv::cli {

int runInitModel(const Args& args) {
    ArgParser parser("pconv init-model", "Write a freshly initialised PConv U-Net model file (for tests and as a training start).");
    parser.option("out", "FILE", "model file to write", std::nullopt, true);
    parser.option("depth", "D", "encoder levels (1-9; 7 for 256 px training, 8 = the paper at 512)", "7");
    parser.option("width", "W", "channels of the first level (the paper: 64)", "64");
    parser.option("norm", "KIND", "normalisation layers: batch, instance or none", "batch");
    parser.option("full-res-channels", "C", "channels of a full-resolution 5x5 stem feeding the last decoder layer (0 = none)", "0");
    parser.option("scale-skips-separately", "yes|no", "decoder layers renormalise upsampled and skip inputs each by its own mask coverage",
                  "no");
    parser.option("seed", "S", "random seed for the weights", "0");
    parser.flag("force", "overwrite FILE if it exists");
    if (!parser.parse(args)) {
        std::cout << parser.help();
        return 0;
    }
    ModelConfig config;
    config.depth = parser.getInt("depth", 1, 9);
    config.width = parser.getInt("width", 1, 256);
    const auto norm = parseNormKind(parser.get("norm"));
    if (!norm) throw parser.usageError("--norm must be batch, instance or none, got '" + parser.get("norm") + "'");
    config.norm = *norm;
    config.fullResChannels = parser.getInt("full-res-channels", 0, 256);
    const std::string scaleSkips = parser.get("scale-skips-separately");
    if (scaleSkips != "yes" && scaleSkips != "no") throw parser.usageError("--scale-skips-separately must be yes or no, got '" + scaleSkips + "'");
    config.scaleSkipsSeparately = scaleSkips == "yes";
    checkModelFileName(parser, "out");
    const std::string out = parser.get("out");
    checkOutputFile(out, parser.flagSet("force"));

    PConvModel model = PConvModel::create(config, parser.getSeed("seed"));
    model.setMetadata("created_by", "pconv init-model");
    model.setMetadata("seed", parser.get("seed"));
    model.setMetadata("trained_steps", "0");
    model.save(out);
    std::cout << "Wrote " << out << ": " << describe(config) << ", " << model.parameterCount() << " parameters\n";
    return 0;
}

int runInfo(const Args& args) {
    ArgParser parser("pconv info", "Describe a PConv Studio model file or training checkpoint.");
    parser.option("model", "FILE", "model file (.pconv) or checkpoint (checkpoint.pt)", std::nullopt, true);
    parser.epilog("The file may also be given alone: pconv info FILE");
    // `pconv info FILE` is what people type first.
    Args withOption = args;
    if (!args.empty() && !args[0].empty() && args[0][0] != '-') withOption.insert(withOption.begin(), "--model");
    if (!parser.parse(withOption)) {
        std::cout << parser.help();
        return 0;
    }
    const std::string path = parser.get("model");
    std::optional<FileError> checkpointError;
    if (!isPconvModelFile(path)) {
        try {
            const CheckpointSummary c = readCheckpointSummary(path);
            std::cout << "Checkpoint:     " << path << "\n"
                      << "Step:           " << c.step << "\n"
                      << "Architecture:   PConv U-Net, " << describe(c.config) << "\n"
                      << "Training time:  " << std::fixed << std::setprecision(0) << c.trainSeconds << " s\n";
            if (c.bestPsnr >= 0) std::cout << "Best val. PSNR: " << std::setprecision(2) << c.bestPsnr << " dB\n";
            return 0;
        } catch (const FileError& e) {
            checkpointError = e;  // not a checkpoint either: the model loader says what the file is
        }
    }
    const PConvModel model = [&] {
        try {
            return PConvModel::load(path);
        } catch (const FileError& e) {
            // A damaged checkpoint.pt is no "model file": a file named like a checkpoint gets the
            // checkpoint reader's words, unless the model loader knew better what it is.
            const bool generic = std::string(e.what()).find("not a readable model file") != std::string::npos;
            if (checkpointError && generic && std::filesystem::path(path).extension() == ".pt") throw *checkpointError;
            throw;
        }
    }();
    const ModelConfig& c = model.config();
    std::cout << "Model file:     " << path << "\n"
              << "Architecture:   PConv U-Net, " << describe(c) << "\n"
              << "Parameters:     " << model.parameterCount() << " (" << std::fixed << std::setprecision(2)
              << model.parameterCount() / 1e6 << " M)\n"
              << "Size multiple:  " << c.sizeMultiple() << " px (inputs are padded to it)\n";
    if (!model.metadata().empty()) {
        std::cout << "Metadata:\n";
        for (const auto& [key, value] : model.metadata()) std::cout << "  " << key << ": " << value << "\n";
    }
    return 0;
}

int runAverage(const Args& args) {
    ArgParser parser("pconv average",
                     "Average the weights of models of one architecture (stochastic weight averaging): typically the\n"
                     "snapshots of one fine-tuning run, whose mean often fills better than any one of them.");
    parser.repeatableOption("model", "FILE", "a model to average; repeat it, at least twice (file names must not contain commas)");
    parser.option("out", "FILE", "averaged model to write", std::nullopt, true);
    parser.flag("force", "overwrite FILE if it exists");
    parser.synopsis("--out FILE MODEL MODEL [MODEL ...]");
    parser.epilog("Models may also be given alone, so that a glob works: pconv average --out mean.pconv runs/mine/snapshots/*.pconv");
    // Bare arguments are models: `pconv average --out mean.pconv snapshots/*.pconv`. They are
    // kept whole (a glob's file names may hold commas, which --model's list would split at).
    Args withOptions;
    std::vector<std::string> paths;
    for (size_t i = 0; i < args.size(); ++i) {
        const bool takesValue = (args[i] == "--out" || args[i] == "--model") && i + 1 < args.size();
        if (takesValue) {
            withOptions.push_back(args[i]);
            withOptions.push_back(args[++i]);
        } else if (!args[i].empty() && args[i][0] != '-') {
            paths.push_back(args[i]);
        } else {
            withOptions.push_back(args[i]);
        }
    }
    if (!parser.parse(withOptions)) {
        std::cout << parser.help();
        return 0;
    }
    for (const std::string& path : parser.getList("model"))
        if (!path.empty()) paths.push_back(path);
    for (size_t i = 0; i < paths.size(); ++i)
        for (size_t j = 0; j < i; ++j)
            if (sameFile(paths[i], paths[j])) throw parser.usageError(paths[i] + " is given twice; each model counts once in the mean");
    if (paths.size() < 2) throw parser.usageError("give at least two models to average (--model A --model B ...)");
    checkModelFileName(parser, "out");
    const std::string out = parser.get("out");
    checkOutputFile(out, parser.flagSet("force"), paths);
    std::vector<PConvModel> models;
    for (const auto& path : paths) {
        models.push_back(PConvModel::load(path));
        const std::string first = describe(models.front().config()), here = describe(models.back().config());
        if (here != first)
            throw FileError(path, "is a " + here + " model but " + paths.front() + " is a " + first + " one; only models of one architecture can be averaged");
    }
    PConvModel average = averageModels(models);
    average.save(out);
    std::cout << "Wrote " << out << ": the mean of " << models.size() << " models, " << describe(average.config()) << "\n";
    return 0;
}

int runCompact(const Args& args) {
    ArgParser parser("pconv compact",
                     "Store a model file's weights as 16-bit floats (half the size), or a training checkpoint's Adam moments\n"
                     "as bfloat16 (a third smaller), e.g. to commit them. Loading widens them back to 32 bits; fills change\n"
                     "by rounding only, and resuming from a compacted checkpoint is close to, not bit-for-bit, the original.");
    parser.option("model", "FILE", "model file (.pconv) to compact");
    parser.option("checkpoint", "FILE", "instead of --model: a training checkpoint (checkpoint.pt) to compact");
    parser.synopsis("(--model FILE | --checkpoint FILE) --out FILE");
    parser.option("out", "FILE", "file to write", std::nullopt, true);
    parser.flag("force", "overwrite FILE if it exists");
    if (!parser.parse(args)) {
        std::cout << parser.help();
        return 0;
    }
    if (parser.has("model") == parser.has("checkpoint")) throw parser.usageError("give either --model or --checkpoint");
    const std::string in = parser.has("model") ? parser.get("model") : parser.get("checkpoint"), out = parser.get("out");
    checkModelFileName(parser, "out");
    // A compacted checkpoint named like a model would be offered to --model and refused there.
    if (parser.has("checkpoint") && lowercaseExtension(out) == ".pconv")
        throw parser.usageError("--out " + out + ": a checkpoint is not a model: name it like one, e.g. checkpoint-compact.pt");
    // In place would trade the full-precision original for its rounding.
    checkOutputFile(out, parser.flagSet("force"), {in});
    std::error_code ec;
    const auto before = std::filesystem::file_size(in, ec);
    std::uintmax_t after = 0;
    if (parser.has("model")) {
        PConvModel model = PConvModel::load(in);
        model.setMetadata("weights_stored_as", "float16");
        model.save(out, PConvModel::WeightPrecision::Float16);
        after = std::filesystem::file_size(out, ec);
    } else {
        after = compactCheckpoint(in, out);
    }
    std::cout << "Wrote " << out << ": " << std::fixed << std::setprecision(1) << after / 1e6 << " MB (" << in << ": " << before / 1e6
              << " MB)\n";
    return 0;
}

} // namespace pconv::cli
