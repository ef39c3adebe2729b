// `pconv init-model`, `pconv info`, `pconv average`, `pconv ensemble` and `pconv compact`: model files themselves.
#include "arg_parser.h"
#include "commands.h"
#include "output_file.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/interop.h"
#include "pconv/model.h"
#include "pconv/model_average.h"
#include "pconv/model_ensemble.h"
#include "pconv/train/trainer.h"

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>

namespace pconv::cli {
namespace {

void printModel(const PConvModel& model, const std::string& indent) {
    const ModelConfig& c = model.config();
    std::cout << indent << "Architecture:   PConv U-Net, " << describe(c) << "\n"
              << indent << "Parameters:     " << model.parameterCount() << " (" << std::fixed << std::setprecision(2)
              << model.parameterCount() / 1e6 << " M)\n"
              << indent << "Size multiple:  " << c.sizeMultiple() << " px (inputs are padded to it)\n";
    if (!model.metadata().empty()) {
        std::cout << indent << "Metadata:\n";
        for (const auto& [key, value] : model.metadata()) std::cout << indent << "  " << key << ": " << value << "\n";
    }
}

// Bare arguments are model files (`pconv average --out mean.pconv snapshots/*.pconv`); they
// are kept whole, as a glob's file names may hold commas, which --model's list would split at.
// Returns the options (with the values of `valueOptions`) and the bare model paths apart.
std::pair<Args, std::vector<std::string>> separateBareModels(const Args& args, const std::vector<std::string>& valueOptions) {
    Args options;
    std::vector<std::string> paths;
    for (size_t i = 0; i < args.size(); ++i) {
        const bool takesValue = std::find(valueOptions.begin(), valueOptions.end(), args[i]) != valueOptions.end() && i + 1 < args.size();
        if (takesValue) {
            options.push_back(args[i]);
            options.push_back(args[++i]);
        } else if (!args[i].empty() && args[i][0] != '-') {
            paths.push_back(args[i]);
        } else {
            options.push_back(args[i]);
        }
    }
    return {options, paths};
}

// The "weights_stored_as" metadata value for a precision.
std::string precisionName(PConvModel::WeightPrecision precision) {
    return precision == PConvModel::WeightPrecision::Float16 ? "float16" : "float32";
}

// The --model values and the bare paths together; each file once.
std::vector<std::string> modelPaths(const ArgParser& parser, std::vector<std::string> paths, const std::string& why) {
    for (const std::string& path : parser.getList("model"))
        if (!path.empty()) paths.push_back(path);
    for (size_t i = 0; i < paths.size(); ++i)
        for (size_t j = 0; j < i; ++j)
            if (sameFile(paths[i], paths[j])) throw parser.usageError(paths[i] + " is given twice; " + why);
    return paths;
}

} // namespace

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
    if (!isPconvModelFile(path)) {
        try {
            const CheckpointSummary c = readCheckpointSummary(path);
            std::cout << "Checkpoint:     " << path << "\n"
                      << "Step:           " << c.step << "\n"
                      << "Architecture:   PConv U-Net, " << describe(c.config) << "\n"
                      << "Training time:  " << std::fixed << std::setprecision(0) << c.trainSeconds << " s\n";
            if (c.bestPsnr >= 0) std::cout << "Best val. PSNR: " << std::setprecision(2) << c.bestPsnr << " dB\n";
            return 0;
        } catch (const FileError&) {
            // Not a checkpoint either: let the model loader say what is wrong with it.
        }
    }
    const std::vector<PConvModel> members = loadModelMembers(path);
    if (members.size() == 1) {
        std::cout << "Model file:     " << path << "\n";
        printModel(members.front(), "");
        return 0;
    }
    std::cout << "Ensemble file:  " << path << "\n"
              << "Members:        " << members.size() << " models; their fills are averaged (each one more pass per mirror view)\n";
    for (size_t i = 0; i < members.size(); ++i) {
        std::cout << "Member " << i + 1 << ":\n";
        printModel(members[i], "  ");
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
    const auto [withOptions, barePaths] = separateBareModels(args, {"--out", "--model"});
    if (!parser.parse(withOptions)) {
        std::cout << parser.help();
        return 0;
    }
    const std::vector<std::string> paths = modelPaths(parser, barePaths, "each model counts once in the mean");
    if (paths.size() < 2) throw parser.usageError("give at least two models to average (--model A --model B ...)");
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

int runEnsemble(const Args& args) {
    ArgParser parser("pconv ensemble",
                     "Put independently trained models (any architectures) into one file whose fills are averaged: their\n"
                     "errors are only partly alike, so the mean fills better than each alone. Every member costs one more\n"
                     "pass per mirror view. Or take one member back out of an ensemble file (--extract), e.g. to train it.");
    parser.repeatableOption("model", "FILE", "a member model; repeat it, at least twice (file names must not contain commas)");
    parser.option("out", "FILE", "ensemble file (or, with --extract, model file) to write", std::nullopt, true);
    parser.option("extract", "N", "instead: write member N (1 = the first) of the ensemble file given with --from");
    parser.option("from", "FILE", "with --extract: the ensemble file");
    parser.flag("float16", "store the weights as 16-bit floats (half the size, as pconv compact does)");
    parser.flag("force", "overwrite FILE if it exists");
    parser.synopsis("--out FILE MODEL MODEL [MODEL ...]   or   --extract N --from FILE --out FILE");
    parser.epilog("Members may also be given alone: pconv ensemble --out both.pconv a.pconv b.pconv. pconv info lists the members.");
    const auto [withOptions, barePaths] = separateBareModels(args, {"--out", "--model", "--extract", "--from"});
    if (!parser.parse(withOptions)) {
        std::cout << parser.help();
        return 0;
    }
    const std::string out = parser.get("out");
    const auto precision = parser.flagSet("float16") ? PConvModel::WeightPrecision::Float16 : PConvModel::WeightPrecision::Float32;
    if (parser.has("extract") || parser.has("from")) {
        if (!parser.has("extract") || !parser.has("from")) throw parser.usageError("--extract N and --from FILE go together");
        if (!barePaths.empty() || parser.has("model")) throw parser.usageError("--extract takes no member models, only --from FILE");
        const std::string from = parser.get("from");
        checkOutputFile(out, parser.flagSet("force"), {from});
        std::vector<PConvModel> members = loadModelMembers(from);
        const int index = parser.getInt("extract", 1, 1000);
        if (index > static_cast<int>(members.size()))
            throw FileError(from, "holds " + std::to_string(members.size()) + " model(s); there is no member " + std::to_string(index));
        PConvModel& member = members[static_cast<size_t>(index - 1)];
        member.setMetadata("weights_stored_as", precisionName(precision));
        member.save(out, precision);
        std::cout << "Wrote " << out << ": member " << index << " of " << members.size() << ", "
                  << describe(members[static_cast<size_t>(index - 1)].config()) << "\n";
        return 0;
    }
    const std::vector<std::string> paths = modelPaths(parser, barePaths, "each model is one member");
    if (paths.size() < 2) throw parser.usageError("give at least two models (--model A --model B ...)");
    checkOutputFile(out, parser.flagSet("force"), paths);
    std::vector<PConvModel> members;
    // An ensemble given as a member contributes its members.
    for (const auto& path : paths)
        for (auto& member : loadModelMembers(path)) {
            member.setMetadata("weights_stored_as", precisionName(precision));
            members.push_back(std::move(member));
        }
    saveEnsemble(out, members, precision);
    std::cout << "Wrote " << out << ": an ensemble of " << members.size() << " models\n";
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
    // In place would trade the full-precision original for its rounding.
    checkOutputFile(out, parser.flagSet("force"), {in});
    std::error_code ec;
    const auto before = std::filesystem::file_size(in, ec);
    std::uintmax_t after = 0;
    if (parser.has("model")) {
        std::vector<PConvModel> members = loadModelMembers(in);
        for (auto& member : members) member.setMetadata("weights_stored_as", precisionName(PConvModel::WeightPrecision::Float16));
        if (members.size() == 1) members.front().save(out, PConvModel::WeightPrecision::Float16);
        else saveEnsemble(out, members, PConvModel::WeightPrecision::Float16);
        after = std::filesystem::file_size(out, ec);
    } else {
        after = compactCheckpoint(in, out);
    }
    std::cout << "Wrote " << out << ": " << std::fixed << std::setprecision(1) << after / 1e6 << " MB (" << in << ": " << before / 1e6
              << " MB)\n";
    return 0;
}

} // namespace pconv::cli
