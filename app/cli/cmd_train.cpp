// `pconv train`: train or fine-tune a PConv U-Net on a folder of photos.
#include "arg_parser.h"
#include "commands.h"
#include "terminal_progress.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/model.h"
#include "pconv/pending_temp_files.h"
#include "pconv/train/trainer.h"
#include "local_workers.h"
#include "output_file.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <csignal>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <unistd.h>

namespace pconv::cli {
namespace {

Trainer* activeTrainer = nullptr;
volatile std::sig_atomic_t interrupted = 0;

// Ctrl+C stops cleanly: the trainer saves a checkpoint and exports the model.
void onInterrupt(int signal) {
    interrupted = signal;
    if (activeTrainer) activeTrainer->requestStop();
}

// A log with rows in it: a header alone is what a run that failed at its start leaves.
bool hasLogRows(const std::filesystem::path& csv) {
    std::ifstream in(csv);
    std::string header, row;
    return std::getline(in, header) && std::getline(in, row) && !row.empty();
}

std::string lossSummary(const StepReport& r, const TrainOptions& o) {
    const auto names = lossTermNames();
    std::ostringstream s;
    s << std::setprecision(4) << "loss " << r.losses.back() << " (";
    bool first = true;
    for (size_t i = 0; i + 1 < names.size(); ++i) {
        if (!lossTermUsed(names[i], o.lossWeights, !o.vggFile.empty())) continue;
        s << (first ? "" : " ") << names[i] << " " << r.losses[i];
        first = false;
    }
    s << ")";
    return s.str();
}

void refuseToReplaceEarlierRun(const std::string& outFolder, const std::string& resumeCheckpoint) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path checkpoint = fs::path(outFolder) / "checkpoint.pt";
    // Resuming the folder's own checkpoint is the one way to write there again without --force.
    if (!resumeCheckpoint.empty() && fs::equivalent(resumeCheckpoint, checkpoint, ec)) return;
    for (const char* name : {"checkpoint.pt", "model.pconv", "best.pconv", "log.csv"}) {
        if (!fs::exists(fs::path(outFolder) / name, ec)) continue;
        if (std::string(name) == "log.csv" && !hasLogRows(fs::path(outFolder) / name)) continue;
        std::string step;
        if (fs::exists(checkpoint, ec)) try {
                step = " at step " + std::to_string(readCheckpointSummary(checkpoint.string()).step);
            } catch (const Error&) {
            }
        // Without a checkpoint there is nothing to resume: only --force or another folder.
        const std::string ways = fs::exists(checkpoint, ec) ? "continue it with --resume " + checkpoint.string() + ", or pass --force"
                                                            : "it has no checkpoint to resume; choose another --out folder, or pass --force";
        throw FileError(outFolder, std::string("already holds a training run (") + name + step + "): " + ways +
                                       " to start a new run there (its files are replaced)");
    }
}

// The run writes these files in its --out folder, --force or not; the --init model must
// not be one of them, or the weights it starts from are replaced by the run.
void refuseToWriteOverInit(const std::string& outFolder, const std::string& initModel) {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const char* name : {"checkpoint.pt", "model.pconv", "best.pconv"})
        if (fs::equivalent(initModel, fs::path(outFolder) / name, ec))
            throw FileError(initModel, std::string("is the --init model, and the run would write its own ") + name +
                                           " over it: copy it elsewhere first, or choose another --out folder");
}

// SIGHUP (the terminal closed) stops the run as Ctrl+C does, saving a checkpoint; unless
// it was ignored when the run started (nohup), which is then kept.
void stopOnHangUp() {
    struct sigaction current {};
    if (sigaction(SIGHUP, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) return;
    std::signal(SIGHUP, onInterrupt);
}

// --log FILE is written over: a file that is not a training log is never taken, and a
// new run takes an existing log only with --force (a resume continues its rows).
void refuseToOverwriteWithLog(const std::string& logCsv, bool resuming, bool force) {
    std::error_code ec;
    if (!std::filesystem::exists(logCsv, ec)) return;
    std::ifstream in(logCsv);
    std::string header;
    std::getline(in, header);
    if (header.rfind("step,", 0) != 0)
        throw FileError(logCsv, "exists and is not a training log (its first line is not 'step,...'); --log would overwrite it: give a new file name");
    if (!resuming && !force)
        throw FileError(logCsv, "already holds a training log; continue its run with --resume, or pass --force to start it anew");
}

void removeSnapshots(const std::string& outFolder) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path folder = fs::path(outFolder) / "snapshots";
    if (!fs::is_directory(folder, ec)) return;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("model-", 0) == 0 && entry.path().extension() == ".pconv") fs::remove(entry.path(), ec);
    }
}

// The options that make up a run's recipe: kept in its checkpoints, and taken from
// there by a resume that does not give them again. (Architecture options come with the
// checkpoint's network; where the run is, how many threads, and the like do not carry.)
const char* const kRecipeOptions[] = {"data", "samples", "size", "batch", "steps", "epochs", "lr", "finetune", "vgg", "extra-data", "masks",
                                      "hole-ratio", "colour-jitter", "geometric-jitter", "valid-weight", "hole-weight",
                                      "perceptual-weight", "style-weight", "tv-weight", "ssim-weight", "hole-l2-weight", "psnr-weight",
                                      "val-fraction", "validate-every", "checkpoint-every", "log-every", "keep-snapshots", "cache-side",
                                      "seed", "log"};

// The recipe options set on the command line or adopted from a resumed run. Folders and
// files are kept absolute, so a resume from another folder finds them.
RunSettings recipe(const ArgParser& parser, const std::set<std::string>& adopted) {
    const std::set<std::string> paths{"data", "samples", "vgg", "extra-data", "masks", "log"};
    RunSettings settings;
    for (const char* name : kRecipeOptions) {
        if (!parser.given(name) && !adopted.count(name)) continue;
        std::string value = parser.isFlag(name) ? std::string() : parser.get(name);
        if (paths.count(name) && !value.empty()) value = std::filesystem::absolute(value).lexically_normal().string();
        settings.emplace_back(name, value);
    }
    return settings;
}

// Sets every recipe option of the resumed run's that this command line leaves out;
// returns the names set. "--steps 20000 --resume ckpt" changes only the steps.
std::set<std::string> adoptResumedRecipe(ArgParser& parser, const RunSettings& recorded) {
    std::set<std::string> adopted;
    for (const auto& [name, value] : recorded) {
        if (std::find(std::begin(kRecipeOptions), std::end(kRecipeOptions), name) == std::end(kRecipeOptions) || parser.given(name)) continue;
        // --steps and --epochs are one choice, --data and --samples another: the command line's wins.
        if ((name == "steps" && parser.given("epochs")) || (name == "epochs" && parser.given("steps"))) continue;
        if ((name == "data" && parser.given("samples")) || (name == "samples" && parser.given("data"))) continue;
        // The run's own --log goes on in its own folder; resumed elsewhere, the new folder keeps its own log.
        if (name == "log" && !sameFile(std::filesystem::absolute(parser.get("resume")).parent_path().string(), parser.get("out"))) continue;
        if (parser.isFlag(name) != value.empty()) continue;
        if (parser.isFlag(name) && parser.given("no-" + name)) continue;  // the run's flag switched off
        parser.adopt(name, value);
        adopted.insert(name);
    }
    return adopted;
}

} // namespace

int runTrain(const Args& args) {
    ArgParser parser("pconv train",
                     "Train or fine-tune a PConv U-Net with the paper's loss on a folder of photos (searched recursively).\n"
                     "Writes <out>/checkpoint.pt (resume with --resume), <out>/model.pconv, <out>/best.pconv and a CSV log.\n"
                     "Ctrl+C stops cleanly after the current step and saves a checkpoint.");
    parser.option("data", "DIR", "folder of training photos (jpg, png, webp ...)");
    parser.option("samples", "DIR", "instead of --data: the seed's [photo | masked photo] samples (pconv masks --out-images)");
    parser.synopsis("(--data DIR | --samples DIR) --out DIR");
    parser.option("out", "DIR", "output folder (created if missing)", std::nullopt, true);
    parser.option("size", "S", "square training crop size in px", "256");
    parser.option("batch", "N", "batch size", "4");
    parser.option("steps", "N", "total optimiser steps (a resumed run continues up to N)", "10000");
    parser.option("epochs", "E", "instead of --steps: passes over the training photos");
    parser.option("lr", "X", "learning rate (default 2e-4, or 5e-5 with --finetune)");
    parser.flag("finetune", "the paper's second stage: encoder BatchNorm statistics frozen");
    parser.flag("no-finetune", "with --resume: switch off the resumed run's --finetune");
    parser.option("resume", "CKPT",
                  "continue a run from its checkpoint: weights, optimiser, step and random state, and every setting of the run's "
                  "that this command line does not give again (shown when it starts)");
    parser.option("init", "MODEL", "start from a model file's weights (fine-tune any model)");
    parser.option("vgg", "FILE", "VGG16 weights for the perceptual and style terms (see docs/training.md)");
    parser.option("extra-data", "DIR", "more training images (searched recursively), never held out for validation");
    parser.option("masks", "DIR", "use these hole masks (non-zero = hole) instead of generated ones");
    parser.option("hole-ratio", "LO:HI", "range of hole fractions for generated masks", "0.01:0.6");
    parser.option("colour-jitter", "X",
                  "photometric augmentation of training crops: saturation, contrast and brightness scaled by up to 1 +- X, "
                  "each channel by up to 1 +- X/4 (0 = off; 0.2 is moderate)",
                  "0");
    parser.option("geometric-jitter", "X",
                  "geometric augmentation of training crops: rotated by up to 30X degrees, stretched and tilted in perspective "
                  "(0 = off; at most 1; not with --samples)",
                  "0");
    parser.option("depth", "D", "levels of a new model (7 for 256 px, 8 = the paper at 512)", "7");
    parser.option("width", "W",
                  "first-level channels of a new model (default 64, the paper's); with --init, widens the loaded model to W, "
                  "its new channels starting silent so that training begins from what it computed");
    parser.option("norm", "KIND", "normalisation layers of a new model: batch, instance or none", "batch");
    parser.option("full-res-channels", "C",
                  "channels of a full-resolution 5x5 stem that feeds the last decoder layer (default 0: the paper's layout; "
                  "with --init, rebuilds the loaded model with this stem and keeps its other weights)");
    parser.option("scale-skips-separately", "yes|no",
                  "decoder layers renormalise upsampled and skip inputs each by its own mask coverage (default no: the paper's "
                  "single ratio; with --init, rebuilds the loaded model so)");
    parser.option("valid-weight", "X", "weight of L_valid", "1");
    parser.option("hole-weight", "X", "weight of L_hole", "6");
    parser.option("perceptual-weight", "X", "weight of L_perceptual", "0.05");
    parser.option("style-weight", "X", "weight of L_style_out and L_style_comp", "120");
    parser.option("tv-weight", "X", "weight of L_tv", "0.1");
    parser.option("ssim-weight", "X", "weight of 1 - SSIM(I_comp, I_gt), not in the paper (0 = off)", "0");
    parser.option("hole-l2-weight", "X", "weight of the mean squared error over hole pixels, not in the paper: the error PSNR measures (0 = off)", "0");
    parser.option("psnr-weight", "X",
                  "weight of minus each composite's PSNR in dB (mean over the batch), not in the paper: the evaluation's mean PSNR, "
                  "where every image's relative error counts alike (0 = off; the term is negative, so the total can be)",
                  "0");
    parser.option("val-fraction", "F", "fraction of photos held out for validation", "0.1");
    parser.option("validate-every", "N", "steps between validation runs (0 = never)", "500");
    parser.option("checkpoint-every", "N", "steps between checkpoints", "500");
    parser.option("log-every", "N", "steps between log rows", "10");
    parser.flag("force", "start a new run in an --out folder that holds another run (its checkpoint, models and log are replaced)");
    parser.flag("keep-snapshots", "also keep the model of every checkpoint as <out>/snapshots/model-<step>.pconv (average them with pconv average)");
    parser.flag("no-keep-snapshots", "with --resume: switch off the resumed run's --keep-snapshots");
    parser.option("log", "FILE.csv", "CSV log (default: <out>/log.csv)");
    parser.option("cache-side", "PX", "photos are kept in memory downscaled to this long side", "2048");
    parser.option("loader-threads", "N", "threads preparing batches ahead of the optimiser", "1");
    parser.option("threads", "N", "CPU threads for the network (0 = all cores)", "0");
    parser.option("seed", "S", "random seed (weights, crops, masks)", "0");
    parser.option("device", "D", "auto (a CUDA GPU when this LibTorch has one), cpu or cuda", "auto");
    parser.option("nproc", "N", "data-parallel: start N training processes on this machine (Gloo over loopback, NCCL on GPUs)");
    parser.option("rank", "R", "data-parallel: this process's rank (default: $RANK, else 0)");
    parser.option("world-size", "N", "data-parallel: number of processes (default: $WORLD_SIZE, else 1)");
    parser.option("master-addr", "HOST", "data-parallel: rank 0's address (default: $MASTER_ADDR, else 127.0.0.1)");
    parser.option("master-port", "PORT", "data-parallel: rank 0's port (default: $MASTER_PORT, else 29500)");
    parser.option("dist-timeout", "SEC", "data-parallel: a rank that stops answering ends the others within this", "60");
    if (!parser.parse(args)) {
        std::cout << parser.help();
        return 0;
    }
    std::set<std::string> adopted;
    // Read once: its settings fill in the options left out, its network checks the rest.
    std::optional<CheckpointSummary> resumed;
    if (parser.has("resume")) {
        resumed = readCheckpointSummary(parser.get("resume"));
        const std::string& recorded = resumed->runSettings;
        if (recorded.empty())
            std::cerr << "pconv train: warning: " << parser.get("resume")
                      << " keeps no settings of its run (written before runs kept them): every option not given here takes its "
                         "default, not the run's\n";
        adopted = adoptResumedRecipe(parser, parseRunSettings(recorded));
    }
    std::string takenFromRun;  // said once every option has passed its checks
    for (const char* name : kRecipeOptions)
        if (adopted.count(name)) takenFromRun += std::string(" --") + name + (parser.isFlag(name) ? "" : " " + parser.get(name));

    TrainOptions o;
    o.runSettings = formatRunSettings(recipe(parser, adopted));
    o.data.photoFolder = parser.get("data");
    o.data.sampleFolder = parser.get("samples");
    if (parser.has("data") == parser.has("samples")) throw parser.usageError("give --data DIR (photos) or --samples DIR (masked samples)");
    o.data.maskFolder = parser.get("masks");
    o.data.extraFolder = parser.get("extra-data");
    // Photo folders are searched with their subfolders: masks among them would be trained
    // on as photos, and photos given as masks are all hole.
    if (!o.data.maskFolder.empty())
        for (const std::string& photos : {o.data.photoFolder, o.data.extraFolder})
            if (!photos.empty() && (isWithinFolder(o.data.maskFolder, photos) || isWithinFolder(photos, o.data.maskFolder)))
                throw FileError(o.data.maskFolder, "and the photo folder " + photos +
                                                       " lie one in the other; keep the masks in a folder of their own");
    // Folders that are not there are said before the model and the loss terms are.
    checkFolderExists(parser.has("data") ? o.data.photoFolder : o.data.sampleFolder,
                      parser.has("data") ? "training photo folder" : "masked-sample folder");
    if (!o.data.extraFolder.empty()) checkFolderExists(o.data.extraFolder, "extra training folder");
    if (!o.data.maskFolder.empty()) checkFolderExists(o.data.maskFolder, "mask folder");
    o.data.colourJitter = parser.getDouble("colour-jitter", 0, 0.9);
    o.data.geometricJitter = parser.getDouble("geometric-jitter", 0, 1);
    if (o.data.geometricJitter > 0 && parser.has("samples"))
        throw parser.usageError("--geometric-jitter would move the photos of --samples away from their own holes; use it with --data");
    o.data.size = parser.getInt("size", 16, 4096);
    o.data.validationFraction = parser.getDouble("val-fraction", 0.0, 0.9);
    o.data.cacheLongSide = parser.getInt("cache-side", 64, 100000);
    if (o.data.cacheLongSide < o.data.size && o.data.sampleFolder.empty())
        std::cerr << "pconv train: warning: --cache-side " << o.data.cacheLongSide << " keeps photos smaller than the " << o.data.size
                  << " px crops, so every crop is scaled up (blurred); raise it to at least --size\n";
    o.data.seed = parser.getSeed("seed");
    try {
        o.data.holeRatio = parseHoleRatioRange(parser.get("hole-ratio"));
    } catch (const InvalidArgument& e) {
        throw parser.usageError(std::string("--hole-ratio: ") + e.what());
    }
    o.outFolder = parser.get("out");
    // The photo folder is searched recursively: a run's files inside it would mix with the photos.
    for (const std::string& data : {o.data.photoFolder, o.data.sampleFolder})
        if (!data.empty() && isWithinFolder(o.outFolder, data))
            throw FileError(o.outFolder, "lies in the training folder " + data + "; choose an --out folder outside it");
    o.batch = parser.getInt("batch", 1, 1024);
    for (const char* flag : {"finetune", "keep-snapshots"})
        if (parser.given(flag) && parser.given(std::string("no-") + flag))
            throw parser.usageError(std::string("--") + flag + " and --no-" + flag + " contradict each other");
        else if (!parser.has("resume"))
            parser.warnIgnored(std::string("no-") + flag, std::string("it switches off a resumed run's --") + flag + ", and there is no --resume");
    o.finetune = parser.flagSet("finetune");
    o.learningRate = parser.has("lr") ? parser.getDouble("lr", 1e-12, 10.0) : (o.finetune ? 5e-5 : 2e-4);
    o.resumeCheckpoint = parser.get("resume");
    o.initModel = parser.get("init");
    if (!o.resumeCheckpoint.empty() && !o.initModel.empty()) throw parser.usageError("--resume and --init do not go together");
    // Frozen BatchNorm statistics of a new network are its initial ones: the paper's second stage needs a trained start.
    if (parser.given("finetune") && o.resumeCheckpoint.empty() && o.initModel.empty())
        std::cerr << "pconv train: warning: --finetune freezes the encoder's BatchNorm statistics, but a new network has none yet; "
                     "it is for fine-tuning a trained model (--init MODEL)\n";
    o.vggFile = parser.get("vgg");
    o.model.depth = parser.getInt("depth", 1, 9);
    o.model.width = parser.has("width") ? parser.getInt("width", 1, 256) : 64;
    // The run's own command line again plus --resume is fine; another depth or norm is not a resume.
    if (resumed) {
        const ModelConfig& network = resumed->config;
        if (parser.given("depth") && network.depth != o.model.depth)
            throw parser.usageError("--depth cannot change a resumed run's architecture (" + o.resumeCheckpoint + " has depth " +
                                    std::to_string(network.depth) + ")");
        if (parser.given("norm") && toString(network.norm) != parser.get("norm"))
            throw parser.usageError("--norm cannot change a resumed run's architecture (" + o.resumeCheckpoint + " has " + toString(network.norm) +
                                    " norm)");
    }
    if (parser.given("epochs") && parser.given("steps")) throw parser.usageError("give --steps or --epochs, not both");
    // The same command line again plus --resume is fine; a different width is not a resume.
    if (parser.has("width") && resumed) {
        const int resumedWidth = resumed->config.width;
        if (resumedWidth != o.model.width)
            throw parser.usageError("--width cannot change a resumed run's architecture (" + o.resumeCheckpoint + " has width " +
                                    std::to_string(resumedWidth) + ")");
    }
    if (parser.has("width") && !o.initModel.empty()) o.initWidth = o.model.width;
    const auto norm = parseNormKind(parser.get("norm"));
    if (!norm) throw parser.usageError("--norm must be batch, instance or none");
    o.model.norm = *norm;
    if (parser.has("full-res-channels")) {
        o.model.fullResChannels = parser.getInt("full-res-channels", 0, 256);
        // The run's own value again is fine; another one is not a resume.
        if (resumed) {
            const int resumedStem = resumed->config.fullResChannels;
            if (resumedStem != o.model.fullResChannels)
                throw parser.usageError("--full-res-channels cannot change a resumed run's architecture (" + o.resumeCheckpoint + " has " +
                                        std::to_string(resumedStem) + ")");
        }
        if (!o.initModel.empty()) o.initFullResChannels = o.model.fullResChannels;
    }
    if (parser.has("scale-skips-separately")) {
        if (!o.resumeCheckpoint.empty()) throw parser.usageError("--scale-skips-separately cannot change a resumed run's architecture");
        const std::string value = parser.get("scale-skips-separately");
        if (value != "yes" && value != "no") throw parser.usageError("--scale-skips-separately must be yes or no");
        o.model.scaleSkipsSeparately = value == "yes";
        if (!o.initModel.empty()) o.initScaleSkipsSeparately = o.model.scaleSkipsSeparately;
    }
    // The network that will train: the resumed one, the --init model's, or a new one.
    std::optional<ModelConfig> startNetwork;
    if (resumed) startNetwork = resumed->config;
    if (!o.initModel.empty()) {
        startNetwork = PConvModel::load(o.initModel).config();
        // Widening (--width, --full-res-channels) is what --init can change; depth and norm it cannot.
        if (parser.given("depth") && startNetwork->depth != o.model.depth)
            throw parser.usageError("--depth cannot change the depth of the --init model (" + o.initModel + " has depth " +
                                    std::to_string(startNetwork->depth) + ")");
        if (parser.given("width") && o.model.width < startNetwork->width)
            throw parser.usageError("--width cannot narrow the --init model (" + o.initModel + " has width " +
                                    std::to_string(startNetwork->width) + "); it can only widen it");
        if (parser.given("norm") && toString(startNetwork->norm) != parser.get("norm"))
            throw parser.usageError("--norm cannot change the --init model's normalisation (" + o.initModel + " has " +
                                    toString(startNetwork->norm) + " norm)");
    }
    const int sizeMultiple = startNetwork ? startNetwork->sizeMultiple() : o.model.sizeMultiple();
    if (o.data.size % sizeMultiple != 0)
        throw parser.usageError("--size " + std::to_string(o.data.size) + " must be a multiple of 2^depth = " + std::to_string(sizeMultiple) +
                                (resumed ? " (the resumed network's depth)"
                                 : startNetwork ? " (the --init model's depth)"
                                                : " (or choose a smaller --depth: --depth 6 takes multiples of 64, --depth 5 of 32)"));
    o.lossWeights.valid = parser.getDouble("valid-weight", 0, 1e6);
    o.lossWeights.hole = parser.getDouble("hole-weight", 0, 1e6);
    o.lossWeights.perceptual = parser.getDouble("perceptual-weight", 0, 1e6);
    o.lossWeights.style = parser.getDouble("style-weight", 0, 1e6);
    o.lossWeights.tv = parser.getDouble("tv-weight", 0, 1e6);
    o.lossWeights.ssim = parser.getDouble("ssim-weight", 0, 1e6);
    o.lossWeights.holeL2 = parser.getDouble("hole-l2-weight", 0, 1e6);
    o.lossWeights.psnr = parser.getDouble("psnr-weight", 0, 1e6);
    o.validateEvery = parser.getInt("validate-every", 0, 100'000'000);
    // A run that never validates trains on every photo, unless it was told to hold some out.
    if (o.validateEvery == 0 && o.data.validationFraction > 0) {
        if (!parser.given("val-fraction") && !adopted.count("val-fraction"))
            o.data.validationFraction = 0;
        else if (parser.given("val-fraction"))
            std::cerr << "pconv train: warning: --validate-every 0 never validates, but --val-fraction " << parser.get("val-fraction")
                      << " still holds photos out of training\n";
    }
    o.checkpointEvery = parser.getInt("checkpoint-every", 1, 100'000'000);
    o.keepSnapshots = parser.flagSet("keep-snapshots");
    o.logEvery = parser.getInt("log-every", 1, 100'000'000);
    o.logCsv = parser.get("log");
    o.loaderThreads = parser.getInt("loader-threads", 0, 64);
    o.threads = parser.getInt("threads", 0, 1024);
    if (parser.has("epochs")) {
        // Steps follow from the photo count; count the photos the way the trainer will.
        const int epochs = parser.getInt("epochs", 1, 1'000'000);
        const auto photos = listImagesRecursive(o.data.sampleFolder.empty() ? o.data.photoFolder : o.data.sampleFolder);
        const auto trainCount = std::max<size_t>(1, photos.size() - heldOutCount(photos.size(), o.data.validationFraction));
        o.steps = std::max<std::int64_t>(1, static_cast<std::int64_t>((trainCount * epochs + o.batch - 1) / o.batch));
    } else {
        o.steps = parser.getInt("steps", 1, 2'000'000'000);
    }

    const DataParallelOptions fromEnvironment = dataParallelFromEnvironment();
    o.parallel.rank = parser.has("rank") ? parser.getInt("rank", 0, 65535) : fromEnvironment.rank;
    o.parallel.worldSize = parser.has("world-size") ? parser.getInt("world-size", 1, 65536) : fromEnvironment.worldSize;
    o.parallel.masterAddress = parser.has("master-addr") ? parser.get("master-addr") : fromEnvironment.masterAddress;
    o.parallel.masterPort = parser.has("master-port") ? parser.getInt("master-port", 1, 65535) : fromEnvironment.masterPort;
    o.parallel.timeoutSeconds = parser.getInt("dist-timeout", 1, 86400);
    o.parallel.localRank = parser.has("rank") && !std::getenv("LOCAL_RANK") ? o.parallel.rank : fromEnvironment.localRank;
    o.device = parser.get("device");
    if (o.device != "auto" && o.device != "cpu" && o.device != "cuda") throw parser.usageError("--device must be auto, cpu or cuda");
    if (o.parallel.rank >= o.parallel.worldSize)
        throw parser.usageError("--rank " + std::to_string(o.parallel.rank) + " must be below --world-size " + std::to_string(o.parallel.worldSize));
    // A second run into the same folder would replace the first's checkpoint, models and log:
    // the natural "run it again to continue" must not wipe hours of training. (Rank 0 alone
    // checks, before anything is written; it is the one that writes.)
    if (o.parallel.rank == 0 && !parser.flagSet("force")) refuseToReplaceEarlierRun(o.outFolder, o.resumeCheckpoint);
    if (o.parallel.rank == 0 && !o.initModel.empty()) refuseToWriteOverInit(o.outFolder, o.initModel);
    if (o.parallel.rank == 0 && !o.logCsv.empty()) refuseToOverwriteWithLog(o.logCsv, !o.resumeCheckpoint.empty(), parser.flagSet("force"));
    // A replaced run's snapshots would pass for this run's (and be averaged with them).
    if (o.parallel.rank == 0 && parser.flagSet("force") && o.resumeCheckpoint.empty()) removeSnapshots(o.outFolder);
    if (o.parallel.rank == 0 && !takenFromRun.empty()) std::cerr << "From the resumed run:" << takenFromRun << "\n";
    if (parser.has("nproc")) {
        if (o.parallel.worldSize > 1) throw parser.usageError("--nproc starts its own processes: leave out --rank/--world-size and RANK/WORLD_SIZE");
        return spawnLocalWorkers(args, parser.getInt("nproc", 1, 256), parser.has("threads"), o.parallel.timeoutSeconds);
    }

    Trainer trainer(o);
    activeTrainer = &trainer;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    stopOnHangUp();
    // Progress lines to a closed pipe (| head) or terminal then fail quietly instead of
    // killing the run before its checkpoint.
    std::signal(SIGPIPE, SIG_IGN);
    const bool tty = isatty(STDERR_FILENO) == 1;

    TrainCallbacks callbacks;
    callbacks.onLog = [&](const std::string& text) {
        if (tty) std::cerr << "\r\033[K";
        std::cerr << text << "\n";
    };
    callbacks.onStep = [&](const StepReport& r) {
        const double fraction = static_cast<double>(r.step) / static_cast<double>(r.totalSteps);
        std::ostringstream line;
        line << "step " << r.step << "/" << r.totalSteps << " " << std::fixed << std::setprecision(1) << 100 * fraction << "%  "
             << std::setprecision(2) << r.secondsPerStep << " s/step  ETA " << formatDuration(r.etaSeconds) << "  " << lossSummary(r, o);
        if (tty) {
            const int width = 24, filled = static_cast<int>(fraction * width);
            std::cerr << "\r\033[K[" << std::string(filled, '=') << std::string(width - filled, ' ') << "] " << line.str() << std::flush;
        } else {
            std::cerr << line.str() << "\n";
        }
    };
    callbacks.onValidation = [&](const ValidationReport& r) {
        std::ostringstream line;
        line << "validation at step " << r.step << ": L1 " << std::fixed << std::setprecision(2) << r.l1Percent << "%  PSNR "
             << r.psnr << " dB  SSIM " << std::setprecision(4) << r.ssim << (r.best ? "  (best so far, saved best.pconv)" : "");
        callbacks.onLog(line.str());
    };

    const TrainResult result = trainer.run(callbacks);
    activeTrainer = nullptr;
    removeTempFilesOnTermination();  // back to main()'s handlers
    if (tty) std::cerr << "\r\033[K";
    if (o.parallel.rank != 0) return 0;  // rank 0 reports
    std::cout << (result.stopped ? "Stopped" : "Finished") << " at step " << result.step << ".\n"
              << "  checkpoint: " << result.checkpointPath << "\n"
              << "  model:      " << result.modelPath << "\n";
    if (result.stopped)
        std::cout << "Continue with: pconv train --out " << o.outFolder << " --resume " << result.checkpointPath
                  << " (the run's settings come with it; give again only those to change)\n";
    // 128 + the signal, as a shell reports one (130 for Ctrl+C, 143 for kill): scripts can tell a stop from the end.
    return result.stopped && interrupted ? 128 + interrupted : 0;
}

} // namespace pconv::cli
