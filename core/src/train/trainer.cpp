#include "pconv/train/trainer.h"

#include "checkpoint.h"
#include "csv_log.h"
#include "gradient_sync.h"
#include "../new_folder_guard.h"
#include "training_dataset.h"
#include "training_device.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/metrics.h"
#include "pconv/model.h"
#include "pconv/nn/inpainting_loss.h"
#include "pconv/nn/memory_format.h"
#include "pconv/nn/module_io.h"
#include "pconv/nn/network_widening.h"
#include "pconv/nn/pconv_unet.h"
#include "pconv/nn/tensor_image.h"
#include "pconv/threads.h"

#include <opencv2/imgproc.hpp>
#include <torch/data.h>
#include <torch/optim/adam.h>
#include <torch/nn/modules/batchnorm.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace pconv {

namespace {

// The settings the fixed validation samples depend on (validationSample()).
std::string describeValidationSet(const TrainingDataOptions& d) {
    std::error_code ec;
    auto folder = [&](const std::string& path) { return path.empty() ? std::string() : fs::weakly_canonical(path, ec).string(); };
    std::ostringstream s;
    s << "size=" << d.size << " holes=" << d.holeRatio.low << ":" << d.holeRatio.high << " photos=" << folder(d.photoFolder)
      << " samples=" << folder(d.sampleFolder) << " masks=" << folder(d.maskFolder) << " fraction=" << d.validationFraction
      << " crops=" << d.validationCropsPerPhoto << " cache=" << d.cacheLongSide;
    return s.str();
}

// The logged loss terms, in column order: one table, so that a new term is one line.
struct LossColumn {
    const char* name;
    torch::Tensor nn::LossTerms::*value;
    double LossWeights::*weight;  // nullptr: always computed
    bool needsVgg;
};
const LossColumn kLossColumns[] = {
    {"valid", &nn::LossTerms::valid, nullptr, false},
    {"hole", &nn::LossTerms::hole, nullptr, false},
    {"perceptual", &nn::LossTerms::perceptual, &LossWeights::perceptual, true},
    {"style_out", &nn::LossTerms::styleOut, &LossWeights::style, true},
    {"style_comp", &nn::LossTerms::styleComp, &LossWeights::style, true},
    {"tv", &nn::LossTerms::tv, nullptr, false},
    {"ssim", &nn::LossTerms::ssim, &LossWeights::ssim, false},
    {"hole_l2", &nn::LossTerms::holeL2, &LossWeights::holeL2, false},
    {"psnr", &nn::LossTerms::psnr, &LossWeights::psnr, false},
    {"total", &nn::LossTerms::total, nullptr, false},
};

} // namespace

std::vector<std::string> lossTermNames() {
    std::vector<std::string> names;
    for (const auto& column : kLossColumns) names.emplace_back(column.name);
    return names;
}

bool lossTermUsed(const std::string& name, const LossWeights& weights, bool withVgg) {
    for (const auto& column : kLossColumns)
        if (name == column.name) return (!column.needsVgg || withVgg) && (!column.weight || weights.*column.weight != 0);
    return false;
}

namespace {

using Clock = std::chrono::steady_clock;

std::vector<double> lossValues(const nn::LossTerms& terms) {
    std::vector<double> values;
    for (const auto& column : kLossColumns) values.push_back((terms.*column.value).item<double>());
    return values;
}

void validateOptions(const TrainOptions& o) {
    if (o.outFolder.empty()) throw InvalidArgument("no output folder given");
    // A run's checkpoint, models and logs (over 100 MB) do not belong among the photos.
    for (const auto& [folder, what] : {std::pair{o.data.photoFolder, "photo folder"}, std::pair{o.data.extraFolder, "extra photo folder"},
                                       std::pair{o.data.sampleFolder, "sample folder"}, std::pair{o.data.maskFolder, "mask folder"}})
        if (!folder.empty() && sameFile(o.outFolder, folder))
            throw InvalidArgument("the output folder '" + o.outFolder + "' is the " + what +
                                  ": training writes its checkpoint, models and logs there; choose another output folder");
    if (o.batch < 1) throw InvalidArgument("batch size must be at least 1");
    if (o.steps < 1) throw InvalidArgument("steps must be at least 1");
    if (!(o.learningRate > 0)) throw InvalidArgument("learning rate must be positive");
    if (o.data.size < 16) throw InvalidArgument("training size must be at least 16 px");
    if (!o.resumeCheckpoint.empty() && !o.initModel.empty()) throw InvalidArgument("give either a checkpoint to resume or a model to start from, not both");
    if (o.logEvery < 1) throw InvalidArgument("log interval must be at least 1");
}

// Train mode everywhere, except that fine-tuning keeps the encoder's BatchNorm
// statistics fixed (the paper's second stage) so holes cannot skew them.
void setTrainingMode(nn::PConvUNetImpl& net, bool finetune) {
    net.train();
    if (finetune)
        for (auto& norm : net.encoderNorms()) norm->eval();
}

std::string today() {
    const std::time_t now = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    return buf;
}

} // namespace

struct Trainer::Impl {
    TrainOptions options;
    std::atomic<bool> stop{false};
    std::atomic<bool> paused{false};
};

Trainer::Trainer(TrainOptions options) : impl_(std::make_unique<Impl>()) { impl_->options = std::move(options); }
Trainer::~Trainer() = default;
void Trainer::requestStop() { impl_->stop = true; }
void Trainer::setPaused(bool paused) { impl_->paused = paused; }
bool Trainer::isPaused() const { return impl_->paused; }

TrainResult Trainer::run(const TrainCallbacks& userCallbacks) {
    const TrainOptions& o = impl_->options;
    validateOptions(o);
    // Data parallel: rank 0 alone reports, logs and writes files.
    const torch::Device device = train::chooseTrainingDevice(o.device, o.parallel.localRank);
    std::unique_ptr<train::GradientSync> sync;
    if (o.parallel.worldSize > 1) {
        train::ProcessGroupConfig group;
        group.rank = o.parallel.rank;
        group.worldSize = o.parallel.worldSize;
        group.masterAddress = o.parallel.masterAddress;
        group.masterPort = o.parallel.masterPort;
        group.timeout = std::chrono::milliseconds(1000LL * std::max(1, o.parallel.timeoutSeconds));
        group.device = device;
        sync = std::make_unique<train::GradientSync>(group);
    }
    const bool leader = !sync || sync->rank() == 0;
    const TrainCallbacks callbacks = leader ? userCallbacks : TrainCallbacks{};
    auto note = [&](const std::string& text) {
        if (callbacks.onLog) callbacks.onLog(text);
    };
    if (device.is_cuda()) note("Training on " + device.str());
    if (sync) note("Data-parallel training: " + std::to_string(sync->worldSize()) + " processes, " + sync->backendName() + ", " +
                   std::to_string(o.batch) + " samples per process per step");
    const NewFolderGuard removeIfLeftEmpty(o.outFolder);
    createFolder(o.outFolder, "output folder");
    setThreadCount(o.threads);

    TrainResult result;
    result.checkpointPath = (fs::path(o.outFolder) / "checkpoint.pt").string();
    result.modelPath = (fs::path(o.outFolder) / "model.pconv").string();
    result.bestModelPath = (fs::path(o.outFolder) / "best.pconv").string();

    // Model and optimiser: resumed, initialised from a model file, or fresh.
    std::unique_ptr<train::CheckpointReader> checkpoint;  // (InputArchive cannot live in std::optional under clang)
    train::CheckpointState state;
    std::optional<PConvModel> loaded;
    if (!o.resumeCheckpoint.empty()) {
        checkpoint = std::make_unique<train::CheckpointReader>(o.resumeCheckpoint);
        state = checkpoint->state();
        loaded = checkpoint->loadModel();
        note("Resuming from " + o.resumeCheckpoint + " at step " + std::to_string(state.step));
    } else if (!o.initModel.empty()) {
        loaded = PConvModel::load(o.initModel);
        if (o.initWidth && *o.initWidth < loaded->config().width)
            throw InvalidArgument("cannot narrow " + o.initModel + " from width " + std::to_string(loaded->config().width) + " to " +
                                  std::to_string(*o.initWidth));
        note("Starting from the weights of " + o.initModel);
        ModelConfig grown = loaded->config();
        if (o.initFullResChannels) grown.fullResChannels = *o.initFullResChannels;
        if (o.initScaleSkipsSeparately) grown.scaleSkipsSeparately = *o.initScaleSkipsSeparately;
        if (o.initWidth) grown.width = *o.initWidth;
        const bool widened = grown.width != loaded->config().width;
        if (widened || grown.fullResChannels != loaded->config().fullResChannels ||
            grown.scaleSkipsSeparately != loaded->config().scaleSkipsSeparately) {
            PConvModel rebuilt = PConvModel::create(grown, o.data.seed);
            const auto fresh = widened ? nn::copyIntoWiderNetwork(loaded->network(), rebuilt.network())
                                       : nn::copyOverlappingWeights(loaded->network(), rebuilt.network());
            std::string names;
            for (const auto& name : fresh) names += (names.empty() ? "" : ", ") + name;
            note("Rebuilt as " + describe(grown) + "; new or partly new weights: " + (names.empty() ? "none" : names));
            loaded = std::move(rebuilt);
        }
    } else {
        loaded = PConvModel::create(o.model, o.data.seed);
    }
    // A resume that brings no settings keeps the resumed run's.
    if (o.resumeCheckpoint.empty() || !o.runSettings.empty()) state.runSettings = o.runSettings;
    // "Best so far" compares validations on one set: another crop size, hole ratio, photo
    // folder or split makes another set, and the resumed best no longer counts.
    const std::string validationSet = describeValidationSet(o.data);
    if (!state.validationSet.empty() && state.validationSet != validationSet && state.bestPsnr >= 0) {
        note("The validation set is not the resumed run's (crop size, hole ratios, photos or split changed): its best PSNR (" +
             std::to_string(state.bestPsnr) + " dB) no longer counts, best.pconv is replaced at the next validation");
        state.bestPsnr = -1;
    }
    state.validationSet = validationSet;
    PConvModel model = *loaded;
    // BatchNorm in training mode needs more than one value per channel; batch 1 with a
    // 1x1 bottleneck has one (LibTorch would stop at the first step with a bare error).
    const ModelConfig& shape = model.config();
    if (o.data.size % shape.sizeMultiple() != 0)
        throw InvalidArgument("the crop size " + std::to_string(o.data.size) + " px is not a multiple of " + std::to_string(shape.sizeMultiple()) +
                              " px, which the depth-" + std::to_string(shape.depth) + " network " +
                              (!o.resumeCheckpoint.empty() ? "of the resumed run " : !o.initModel.empty() ? "of " + o.initModel + " " : "") +
                              "needs (it halves its input " + std::to_string(shape.depth) + " times)");
    const int bottleneck = (o.data.size + shape.sizeMultiple() - 1) / shape.sizeMultiple();
    if (shape.norm == NormKind::Batch && !o.finetune && o.batch * bottleneck * bottleneck < 2)
        throw InvalidArgument("batch " + std::to_string(o.batch) + " of " + std::to_string(o.data.size) + " px crops leaves the depth-" +
                              std::to_string(shape.depth) + " network a 1x1 bottleneck, one value per channel for its BatchNorm: use a "
                              "batch of 2 or more, larger crops, or --finetune");
    nn::PConvUNetImpl& net = model.network();
    net.to(device);
    torch::optim::Adam adam(net.parameters(), torch::optim::AdamOptions(o.learningRate));
    if (checkpoint) {
        checkpoint->loadOptimizer(adam);
        train::moveOptimizerState(adam, device);
        checkpoint->restoreRandomState();
        for (auto& group : adam.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(o.learningRate);
    }
    note("Model: " + describe(model.config()) + ", " + std::to_string(model.parameterCount()) + " parameters" +
         (o.finetune ? "; fine-tuning with the encoder's BatchNorm frozen" : ""));

    nn::Vgg16Features vgg{nullptr};
    if (!o.vggFile.empty()) {
        vgg = nn::Vgg16Features();
        vgg->loadWeights(o.vggFile);
        vgg->to(device);
        note("Perceptual and style terms on, VGG16 weights from " + o.vggFile);
    } else {
        note("No VGG16 weights given: the perceptual and style loss terms are OFF (valid, hole and TV terms only)");
    }
    const nn::InpaintingLoss loss(o.lossWeights, vgg);

    note("Reading photos from " + (o.data.sampleFolder.empty() ? o.data.photoFolder : o.data.sampleFolder));
    const auto photos = TrainingPhotos::load(o.data, {}, [&](const std::string& text) { note("warning: " + text); });
    const auto maker = std::make_shared<const SampleMaker>(photos, o.data);
    const std::size_t trainingPhotos = photos->train.size() - static_cast<std::size_t>(photos->extraCount);  // extra images apart
    note(std::to_string(trainingPhotos) + (trainingPhotos == 1 ? " training photo" : " training photos") +
         (photos->extraCount > 0 ? " and " + std::to_string(photos->extraCount) + " extra images from " + o.data.extraFolder : "") + ", " +
         std::to_string(photos->validation.size()) +
         " held out for validation" + (photos->masks.empty() ? "" : ", " + std::to_string(photos->masks.size()) + " masks"));
    for (const auto& path : photos->validationPaths) note("  validation: " + path);

    const std::string logPath = o.logCsv.empty() ? (fs::path(o.outFolder) / "log.csv").string() : o.logCsv;
    std::optional<train::CsvLog> log;
    std::optional<train::CsvLog> validationLog;
    if (leader) {
        std::vector<std::string> columns = lossTermNames();
        columns.insert(columns.end(), {"lr", "seconds"});
        // Resumed into another folder, the run's history and best model come along: the new
        // folder is the whole run, not its second half.
        const fs::path earlier = o.resumeCheckpoint.empty() ? fs::path() : fs::absolute(o.resumeCheckpoint).parent_path();
        const bool forked = !earlier.empty() && !sameFile(earlier.string(), o.outFolder);
        log.emplace(logPath, columns, state.step, forked && o.logCsv.empty() ? (earlier / "log.csv").string() : std::string());
        validationLog.emplace((fs::path(o.outFolder) / "validation.csv").string(), validationLogColumns(), state.step,
                              forked ? (earlier / "validation.csv").string() : std::string());
        std::error_code ec;
        if (forked && state.bestPsnr >= 0 && fs::exists(earlier / "best.pconv", ec) && !fs::exists(result.bestModelPath, ec)) {
            std::ifstream in(earlier / "best.pconv", std::ios::binary);  // the best so far, not beaten yet
            writeFileAtomic(result.bestModelPath, std::vector<unsigned char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
        }
    }

    if (sync) {
        // Every rank starts from rank 0's weights and statistics.
        std::vector<torch::Tensor> shared;
        for (const auto& p : net.parameters()) shared.push_back(p);
        for (const auto& b : net.buffers()) shared.push_back(b);
        sync->broadcast(shared);
    }
    // Weights must stay identical on every rank; checked at every checkpoint.
    auto checkRanksAgree = [&] {
        if (!sync) return;
        torch::NoGradGuard noGrad;
        double checksum = 0;
        for (const auto& p : net.parameters()) checksum += p.to(torch::kFloat64).sum().item<double>();
        auto extremes = torch::tensor({checksum, -checksum}, torch::kFloat64);
        sync->max(extremes);
        const double spread = extremes[0].item<double>() + extremes[1].item<double>();
        if (std::abs(spread) > 1e-6 * (1.0 + std::abs(checksum)))
            throw Error("the weights differ between training processes (checksum spread " + std::to_string(spread) + ")");
    };

    const auto normalization = model.config().normalization;
    auto validationBatch = [&](int first, int count) {
        std::vector<torch::Tensor> images, valids;
        for (int i = first; i < first + count; ++i) {
            auto example = train::sampleToTensors(maker->validationSample(i));
            images.push_back(example.data);
            valids.push_back(example.target);
        }
        return std::make_pair(torch::stack(images).to(device), torch::stack(valids).to(device));
    };
    auto predictComposite = [&](const torch::Tensor& image, const torch::Tensor& valid) {
        const auto output = nn::denormalizeImage(net.forward(nn::normalizeImage(image, normalization) * valid, valid), normalization);
        return (valid * image + (1 - valid) * output.clamp(0, 1)).cpu();
    };

    auto validate = [&]() -> std::optional<ValidationReport> {
        const int count = maker->validationCount();
        if (count == 0) return std::nullopt;
        torch::NoGradGuard noGrad;
        net.eval();
        ValidationReport report;
        report.step = state.step;
        for (int first = 0; first < count; first += o.batch) {
            const int n = std::min(o.batch, count - first);
            const auto [image, valid] = validationBatch(first, n);
            const auto composite = predictComposite(image, valid);
            for (int i = 0; i < n; ++i) {
                const cv::Mat truth = nn::rgb01ToBgr8(image[i].cpu()), filled = nn::rgb01ToBgr8(composite[i]);
                report.l1Percent += meanAbsoluteErrorPercent(truth, filled) / count;
                report.psnr += psnr(truth, filled) / count;
                report.ssim += ssim(truth, filled) / count;
            }
        }
        setTrainingMode(net, o.finetune);
        return report;
    };

    auto preview = [&]() {
        torch::NoGradGuard noGrad;
        net.eval();
        const auto example = maker->validationCount() > 0 ? train::sampleToTensors(maker->validationSample(0))
                                                          : train::sampleToTensors(maker->trainingSample(0));
        const auto image = example.data.unsqueeze(0), valid = example.target.unsqueeze(0);
        const auto composite = predictComposite(image.to(device), valid.to(device));
        setTrainingMode(net, o.finetune);
        cv::Mat masked = nn::rgb01ToBgr8(image[0]);
        cv::Mat holes = nn::rgb01ToBgr8((1 - valid[0]).expand({3, -1, -1}));
        cv::cvtColor(holes, holes, cv::COLOR_BGR2GRAY);
        masked.setTo(cv::Scalar(255, 255, 255), holes);
        cv::Mat strip;
        cv::hconcat(std::vector<cv::Mat>{masked, nn::rgb01ToBgr8(composite[0]), nn::rgb01ToBgr8(image[0])}, strip);
        return strip;
    };

    // Files always hold CPU tensors, so they load on any machine.
    auto onCpu = [&](const auto& write) {
        if (!device.is_cuda()) return write();
        net.to(torch::kCPU);
        train::moveOptimizerState(adam, torch::kCPU);
        write();
        net.to(device);
        train::moveOptimizerState(adam, device);
    };
    std::optional<ValidationReport> lastValidation;
    auto exportModel = [&](const std::string& path) {
        model.setMetadata("trained_steps", std::to_string(state.step));
        model.setMetadata("train_seconds", std::to_string(static_cast<long>(state.trainSeconds)));
        model.setMetadata("train_size", std::to_string(o.data.size));
        model.setMetadata("train_batch", std::to_string(o.batch));
        model.setMetadata("train_lr", std::to_string(o.learningRate));
        model.setMetadata("train_finetune", o.finetune ? "yes" : "no");
        std::string data = (o.data.sampleFolder.empty() ? o.data.photoFolder : o.data.sampleFolder) + " (" +
                           std::to_string(trainingPhotos) + " photos)";
        if (photos->extraCount > 0) data += " + " + o.data.extraFolder + " (" + std::to_string(photos->extraCount) + " images)";
        model.setMetadata("train_data", data);
        model.setMetadata("train_vgg_terms", loss.usesVgg() ? "on" : "off");
        model.setMetadata("train_hole_ratio", std::to_string(o.data.holeRatio.low) + ":" + std::to_string(o.data.holeRatio.high));
        // The run's best so far, and these weights' own score where they were validated at this step.
        if (state.bestPsnr >= 0) model.setMetadata("best_validation_psnr", std::to_string(state.bestPsnr));
        model.setMetadata("validation_psnr", lastValidation && lastValidation->step == state.step ? std::to_string(lastValidation->psnr)
                                                                                                   : "not validated at this step");
        model.setMetadata("exported", today());
        onCpu([&] { model.save(path); });
    };
    auto validateAndKeepBest = [&]() {
        if (auto report = validate()) {
            lastValidation = report;
            validationLog->append(report->step, {report->l1Percent, report->psnr, report->ssim});
            report->best = report->psnr > state.bestPsnr;
            if (report->best) {
                state.bestPsnr = report->psnr;
                exportModel(result.bestModelPath);
            }
            if (callbacks.onValidation) callbacks.onValidation(*report);
        }
    };
    bool savedThisRun = false;
    auto saveAll = [&]() {
        savedThisRun = true;
        checkRanksAgree();
        if (!leader) return;
        onCpu([&] { train::writeCheckpoint(result.checkpointPath, model, adam, state); });
        if (log) log->flush();  // the logs hold every row up to the checkpoint
        if (validationLog) validationLog->flush();
        exportModel(result.modelPath);
        if (o.keepSnapshots) {
            const fs::path snapshots = fs::path(o.outFolder) / "snapshots";
            fs::create_directories(snapshots);
            exportModel((snapshots / ("model-" + std::to_string(state.step) + ".pconv")).string());
        }
        note("Saved checkpoint at step " + std::to_string(state.step));
    };

    if (state.step >= o.steps) {
        note("Already at step " + std::to_string(state.step) + " of " + std::to_string(o.steps) + ": nothing to train");
        // The earlier run's files stay as they were. Resumed into another folder, that
        // folder gets the checkpoint (and model) too, so that it can be continued.
        if (!fs::exists(result.checkpointPath)) saveAll();
        else if (leader && !fs::exists(result.modelPath)) exportModel(result.modelPath);
        result.step = state.step;
        return result;
    }

    // Batches are prepared ahead on loader threads; sample k of the run is
    // training sample (start * batch + k), so resuming replays the same data.
    auto loader = torch::data::make_data_loader<torch::data::samplers::SequentialSampler>(
        train::TrainingDataset(maker, state.step, o.steps - state.step, o.batch, sync ? sync->rank() : 0, sync ? sync->worldSize() : 1)
            .map(torch::data::transforms::Stack<>()),
        torch::data::DataLoaderOptions(o.batch).workers(std::max(0, o.loaderThreads)).drop_last(true));

    setTrainingMode(net, o.finetune);
    std::deque<double> recentStepSeconds;
    double runSeconds = 0;
    for (auto& batch : *loader) {
        while (impl_->paused && !impl_->stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (sync) {
            // Stop together: one rank's Ctrl+C (or failure to continue) stops every rank at the same step.
            auto stopFlag = torch::tensor({impl_->stop ? 1.0f : 0.0f});
            sync->max(stopFlag);
            if (stopFlag.item<float>() > 0) impl_->stop = true;
        }
        if (impl_->stop) break;
        const auto started = Clock::now();

        const auto image = nn::channelsLast(batch.data.to(device));
        const auto valid = batch.target.to(device);
        const auto output = nn::denormalizeImage(net.forward(nn::normalizeImage(image, normalization) * valid, valid), normalization);
        const nn::LossTerms terms = loss(output, image, valid);
        adam.zero_grad();
        terms.total.backward();
        if (sync) sync->averageGradients(net.parameters());
        adam.step();
        ++state.step;

        const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        runSeconds += seconds;
        state.trainSeconds += seconds;
        recentStepSeconds.push_back(seconds);
        if (recentStepSeconds.size() > 50) recentStepSeconds.pop_front();

        if (state.step % o.logEvery == 0 || state.step == o.steps) {
            StepReport report;
            report.step = state.step;
            report.totalSteps = o.steps;
            report.losses = lossValues(terms);
            if (sync) {
                // Report the mean over every rank's samples.
                auto values = torch::tensor(std::vector<double>(report.losses.begin(), report.losses.end()), torch::kFloat64);
                sync->sum(values);
                for (size_t i = 0; i < report.losses.size(); ++i) report.losses[i] = values[static_cast<int64_t>(i)].item<double>() / sync->worldSize();
            }
            report.learningRate = o.learningRate;
            report.elapsedSeconds = runSeconds;
            double sum = 0;
            for (double s : recentStepSeconds) sum += s;
            report.secondsPerStep = sum / recentStepSeconds.size();
            report.etaSeconds = report.secondsPerStep * static_cast<double>(o.steps - state.step);
            if (log) {
                std::vector<double> row = report.losses;
                row.insert(row.end(), {o.learningRate, state.trainSeconds});
                log->append(state.step, row);
            }
            if (callbacks.onStep) callbacks.onStep(report);
        }
        if (leader && o.validateEvery > 0 && state.step % o.validateEvery == 0) validateAndKeepBest();
        if (leader && o.previewEvery > 0 && state.step % o.previewEvery == 0 && callbacks.onPreview) callbacks.onPreview(state.step, preview());
        if (o.checkpointEvery > 0 && state.step % o.checkpointEvery == 0) saveAll();
    }
    result.stopped = state.step < o.steps;
    // A run that ends between validations is measured where it ended: a short run gets a
    // validation (and a best.pconv) at all, a long one its last word.
    if (leader && !result.stopped && o.validateEvery > 0 && state.step % o.validateEvery != 0) validateAndKeepBest();
    if (leader && !result.stopped && o.previewEvery > 0 && state.step % o.previewEvery != 0 && callbacks.onPreview)
        callbacks.onPreview(state.step, preview());
    // Also when stopped before this run's first checkpoint (even at step 0): a stopped run
    // can always be resumed from its folder. (The same on every rank: saveAll is collective.)
    if (o.checkpointEvery <= 0 || state.step % o.checkpointEvery != 0 || !savedThisRun) saveAll();
    if (validationLog) validationLog->flush();  // the last validation may come after the last checkpoint
    result.step = state.step;
    return result;
}

std::int64_t checkpointStep(const std::string& path) { return train::CheckpointReader(path).state().step; }

CheckpointSummary readCheckpointSummary(const std::string& path) {
    const train::CheckpointReader reader(path);
    return {reader.state().step, reader.state().bestPsnr, reader.state().trainSeconds, reader.config(), reader.state().runSettings};
}

} // namespace pconv
