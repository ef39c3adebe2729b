#pragma once
// Training and fine-tuning a PConv U-Net with the paper's loss. One engine for
// `pconv train` and the editor's Training panel: it reports progress, losses,
// validation metrics and preview images through callbacks, and can be paused
// and stopped from another thread. Torch-free header.
#include "pconv/model_config.h"

#include <optional>
#include "pconv/train/loss_weights.h"
#include "pconv/train/training_data.h"

#include <opencv2/core.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace pconv {

// Data-parallel training: one process per rank, torchrun-style.
struct DataParallelOptions {
    int rank = 0;
    int localRank = 0;                      // this process's index on its machine (picks its GPU)
    int worldSize = 1;                      // 1 = a single process
    std::string masterAddress = "127.0.0.1";
    int masterPort = 29500;
    int timeoutSeconds = 60;                // a rank that stops answering ends the others within this
};

// From torchrun-style variables (RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT);
// a single process when they are absent.
DataParallelOptions dataParallelFromEnvironment();

struct TrainOptions {
    TrainingDataOptions data;       // photo folder, size, masks, hole ratio, validation split, seed
    std::string outFolder;          // checkpoint.pt, model.pconv, best.pconv, log.csv
    int batch = 4;
    std::int64_t steps = 10000;     // total steps (a resumed run continues up to this many)
    double learningRate = 2e-4;
    bool finetune = false;          // freeze the encoder's BatchNorm statistics (the paper's stage 2)
    std::string resumeCheckpoint;   // continue exactly where a checkpoint left off
    std::string initModel;          // start from this model file's weights
    // With initModel: rebuild its network with these settings (the rest of its
    // architecture kept), keeping every weight that still fits (warm start).
    std::optional<int> initFullResChannels;
    std::optional<bool> initScaleSkipsSeparately;
    // With initModel: widen its network to this first-level width; the new
    // channels start silent, so training begins from what the model computed.
    std::optional<int> initWidth;
    std::string vggFile;            // VGG16 weights for the perceptual and style terms (optional)
    ModelConfig model;              // architecture of a fresh model (ignored with resume / init)
    LossWeights lossWeights;
    int threads = 0;                // 0 = all cores
    std::string device = "auto";    // auto (a CUDA GPU when LibTorch has one), cpu or cuda
    int loaderThreads = 1;          // threads that prepare batches ahead of the optimiser
    std::string logCsv;             // default: <outFolder>/log.csv
    int logEvery = 10;
    int validateEvery = 500;
    int checkpointEvery = 500;
    bool keepSnapshots = false;     // also keep each checkpoint's model as snapshots/model-<step>.pconv (for pconv average)
    int previewEvery = 100;
    DataParallelOptions parallel;   // each rank trains on its own share of every step's samples
    // Opaque to the trainer: kept in the checkpoints this run writes (readCheckpointSummary
    // gives it back), so that a resume can repeat the run's settings; formatRunSettings()
    // text. Empty on a resume: the resumed checkpoint's are kept.
    std::string runSettings;
};

// A run's settings as `pconv train` options, in order: name and value, a flag's value
// empty. Kept as text ("name=value" lines, a flag as its bare name) by the CLI and the
// editor's Training panel alike, so either can resume the other's runs.
using RunSettings = std::vector<std::pair<std::string, std::string>>;
std::string formatRunSettings(const RunSettings& settings);
RunSettings parseRunSettings(const std::string& text);

// Loss terms in a fixed order, for logs and curves.
std::vector<std::string> lossTermNames();  // valid, hole, perceptual, style_out, style_comp, tv, ssim, hole_l2, psnr, total

// Whether a run with these weights uses an optional term (perceptual, style_*: VGG weights and a
// non-zero weight; ssim, hole_l2, psnr: a non-zero weight); the other terms always count. Logs and curves leave
// out the terms that do not.
bool lossTermUsed(const std::string& name, const LossWeights& weights, bool withVgg);

struct StepReport {
    std::int64_t step = 0, totalSteps = 0;
    std::vector<double> losses;  // in lossTermNames() order
    double learningRate = 0;
    double elapsedSeconds = 0;   // this run's training time (pauses excluded)
    double secondsPerStep = 0;   // recent average
    double etaSeconds = 0;
};

// The rows of a run's CSV log (step and losses in lossTermNames() order; a term the log
// lacks reads 0) up to upToStep, e.g. the resumed checkpoint's step (a crash can leave
// later rows). None when there is no log; unreadable rows are skipped.
std::vector<StepReport> readTrainingLog(const std::string& csvPath, std::int64_t upToStep);

struct ValidationReport {
    std::int64_t step = 0;
    double l1Percent = 0, psnr = 0, ssim = 0;
    bool best = false;  // best PSNR so far: written to best.pconv
};

// <out>/validation.csv: a run's validation results (step, then these columns), kept like
// its log.csv; readValidationLog reads them back up to upToStep, as readTrainingLog does.
const std::vector<std::string>& validationLogColumns();
std::vector<ValidationReport> readValidationLog(const std::string& csvPath, std::int64_t upToStep);

struct TrainCallbacks {
    std::function<void(const StepReport&)> onStep;               // every logEvery steps
    std::function<void(const ValidationReport&)> onValidation;
    std::function<void(std::int64_t step, const cv::Mat&)> onPreview;  // BGR strip: masked input | output | ground truth
    std::function<void(const std::string&)> onLog;               // human-readable notes
};

struct TrainResult {
    std::int64_t step = 0;       // steps completed in total
    bool stopped = false;        // stopped early by requestStop()
    std::string checkpointPath, modelPath, bestModelPath;
};

class Trainer {
public:
    explicit Trainer(TrainOptions options);
    ~Trainer();

    // Runs until options.steps or requestStop(); blocking (call it on a worker
    // thread in a GUI). Saves a checkpoint and exports model.pconv at the end.
    // Throws pconv::Error (FileError, InvalidArgument) for bad data, files or options.
    TrainResult run(const TrainCallbacks& callbacks = {});

    // Thread-safe controls.
    void requestStop();
    void setPaused(bool paused);
    bool isPaused() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Reads the step stored in a checkpoint (for UIs and tests). Throws FileError.
std::int64_t checkpointStep(const std::string& path);

struct CheckpointSummary {
    std::int64_t step = 0;
    double bestPsnr = -1;       // < 0: no validation yet
    double trainSeconds = 0;
    ModelConfig config;
    std::string runSettings;    // TrainOptions::runSettings of the run that wrote it
};
// Everything but the weights. Throws FileError naming the file.
CheckpointSummary readCheckpointSummary(const std::string& path);

// Rewrites a checkpoint with Adam's two moments stored as bfloat16: a third
// smaller (the weights stay 32-bit), for a checkpoint that is committed.
// Resuming from it is close to, no longer bit-for-bit, what the original gives.
// Returns the size written, in bytes. Throws FileError naming a bad file.
std::uintmax_t compactCheckpoint(const std::string& from, const std::string& to);

} // namespace pconv
