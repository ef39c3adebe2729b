// `pconv bench`: PConv U-Net forward against a plain-conv U-Net of the same shape.
#include "arg_parser.h"
#include "commands.h"
#include "model_argument.h"
#include "output_file.h"

#include "pconv/bench.h"
#include "pconv/default_model.h"
#include "pconv/errors.h"
#include "pconv/hd_strategy.h"
#include "pconv/image_io.h"
#include "pconv/inpainter.h"
#include "pconv/model.h"
#include "pconv/threads.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace pconv::cli {
namespace {

// --photo, else the demo photo of the source tree the binary was built in (found from
// the binary, like the default model, so the benchmark runs from any folder).
std::string benchPhoto(const ArgParser& parser) {
    if (parser.has("photo")) return parser.get("photo");
    const auto demo = std::filesystem::path(currentExecutablePath()).parent_path() / ".." / ".." / "docs" / "images" / "demo-photo.jpg";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(demo, ec)) throw parser.usageError("--mode hd needs --photo FILE (no demo photo beside this build)");
    return std::filesystem::weakly_canonical(demo, ec).string();
}

} // namespace

int runBench(const Args& args) {
    ArgParser parser("pconv bench",
                     "Time the PConv U-Net forward pass and a plain-conv U-Net of the same shape in one process\n"
                     "(median of --reps after a warm-up), and report both, their ratio and the peak RSS.");
    parser.option("size", "S", "square input size in px", "512");
    parser.option("arch", "paper|default|FILE", "the paper's net (8 levels, width 64), the shipped model's, or a model file's", "paper");
    parser.option("reps", "N", "timed runs", "10");
    parser.option("batch", "N", "batch size", "1");
    parser.option("threads", "N", "CPU threads (0 = all cores)", "0");
    parser.option("mode", "forward|train|hd", "forward: PConv vs plain forward; train: a training step; hd: a 12 MP photo via crop", "forward");
    parser.option("train-size", "S", "input size for --mode train", "256");
    parser.option("train-depth", "D", "depth for --mode train", "7");
    parser.option("train-width", "W", "width for --mode train", "64");
    parser.option("train-batch", "N", "batch for --mode train", "4");
    parser.option("photo", "FILE", "--mode hd: photo scaled to 4000x3000 (12 MP) with one 60 px stroke (default: the source tree's docs/images/demo-photo.jpg)");
    parser.option("model", "FILE", "--mode hd: model (default: the shipped one)");
    parser.option("write-case", "DIR", "--mode hd: also write the 12 MP image and mask there (for timing pconv inpaint)");
    parser.flag("force", "--write-case: overwrite photo12mp.jpg and stroke60.png there");
    addPConvRunOptions(parser);
    parser.flag("json", "print one JSON line instead of a table");
    if (!parser.parse(args)) {
        std::cout << parser.help();
        return 0;
    }
    setThreadCount(parser.getInt("threads", 0, 1024));
    // Each mode has its own options: given for another, they would change nothing without a word.
    const std::string mode = parser.get("mode");
    auto ignoredUnless = [&](const std::vector<std::string>& options, const std::string& owner) {
        if (mode != owner)
            for (const auto& option : options) parser.warnIgnored(option, "it is for --mode " + owner + " only");
    };
    ignoredUnless({"train-size", "train-depth", "train-width", "train-batch"}, "train");
    ignoredUnless({"photo", "model", "write-case", "force", "mirror-views", "deep-holes", "deep-holes-from", "classical-edge"}, "hd");
    ignoredUnless({"size", "arch", "batch"}, "forward");
    if (parser.get("mode") == "train") {
        ModelConfig config;
        config.depth = parser.getInt("train-depth", 1, 9);
        config.width = parser.getInt("train-width", 1, 1024);
        const int size = parser.getInt("train-size", 16, 8192), batch = parser.getInt("train-batch", 1, 1024);
        if (size % config.sizeMultiple() != 0)
            throw parser.usageError("--train-size " + std::to_string(size) + " must be a multiple of 2^depth = " + std::to_string(config.sizeMultiple()) +
                                    " (--train-depth " + std::to_string(config.depth) + ")");
        const double ms = benchTrainStep(config, size, batch, parser.getInt("reps", 1, 100000));
        if (parser.flagSet("json"))
            std::printf("{\"train_step_ms\": %.1f, \"size\": %d, \"batch\": %d, \"depth\": %d, \"width\": %d, \"peak_rss_mb\": %.1f}\n", ms, size,
                        batch, config.depth, config.width, peakRssMb());
        else
            std::printf("PConv U-Net training step (%s), %dx%d, batch %d: %.1f ms (median)\n", describe(config).c_str(), size, size, batch, ms);
        return 0;
    }
    if (parser.get("mode") == "hd") {
        // A 12-megapixel photo with one 60 px stroke through the crop strategy.
        cv::Mat photo;
        cv::resize(readImage(benchPhoto(parser)), photo, {4000, 3000}, 0, 0, cv::INTER_CUBIC);
        cv::Mat holes = cv::Mat::zeros(photo.size(), CV_8UC1);
        cv::line(holes, {1800, 1400}, {2100, 1500}, 255, 60);
        const std::string modelPath = modelPathOrDefault(parser, "--mode hd needs --model FILE (no default model was found)");
        if (parser.has("write-case")) {
            const std::string folder = parser.get("write-case");
            const std::string photoOut = folder + "/photo12mp.jpg", maskOut = folder + "/stroke60.png";
            std::error_code ec;
            if (std::filesystem::exists(folder, ec) && !std::filesystem::is_directory(folder, ec))
                throw FileError(folder, "--write-case needs a folder, and this is a file");
            if (std::filesystem::is_directory(folder, ec))
                for (const std::string& out : {photoOut, maskOut}) checkOutputFile(out, parser.flagSet("force"), {benchPhoto(parser)});
            createFolder(folder, "--write-case folder");
            writeImageAtomic(photoOut, photo, 92);
            writeImageAtomic(maskOut, holes);
        }
        const auto inpainter = makePConvInpainter(PConvModel::load(modelPath), pconvOptionsFromArgs(parser));
        const int reps = parser.getInt("reps", 1, 100000);
        auto medianMs = [&](const cv::Mat& mask) {
            std::vector<double> times;
            for (int i = 0; i <= reps; ++i) {
                const auto start = std::chrono::steady_clock::now();
                inpaintLarge(*inpainter, photo, mask, HdOptions{});
                if (i > 0) times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
            }
            std::sort(times.begin(), times.end());
            return times[times.size() / 2];
        };
        const double ms = medianMs(holes);
        // An object removal: a hole deeper than the network's training, so the deep-hole path runs.
        cv::Mat object = cv::Mat::zeros(photo.size(), CV_8UC1);
        cv::ellipse(object, {2600, 1800}, {200, 300}, 0, 0, 360, 255, -1);
        const double objectMs = medianMs(object);
        if (parser.flagSet("json"))
            std::printf("{\"hd_crop_ms\": %.1f, \"hd_object_ms\": %.1f, \"peak_rss_mb\": %.1f}\n", ms, objectMs, peakRssMb());
        else
            std::printf("12 MP photo, crop strategy, %s mirror view(s), deep holes: %s from %s px, in memory (median): one 60 px stroke "
                        "%.1f ms, one 400x600 px object %.1f ms\n",
                        parser.get("mirror-views").c_str(), parser.get("deep-holes").c_str(), parser.get("deep-holes-from").c_str(), ms, objectMs);
        return 0;
    }
    if (parser.get("mode") != "forward") throw parser.usageError("--mode must be forward, train or hd, got '" + parser.get("mode") + "'");
    ForwardBenchOptions options;
    options.size = parser.getInt("size", 16, 8192);
    options.reps = parser.getInt("reps", 1, 100000);
    options.batch = parser.getInt("batch", 1, 1024);
    const std::string arch = parser.get("arch");
    if (arch == "paper") {
        options.config = ModelConfig::paper();
    } else if (arch == "default") {
        const auto shipped = findDefaultModel(currentExecutablePath());
        if (!shipped) throw parser.usageError("--arch default: no default model was found");
        options.config = PConvModel::load(*shipped).config();
    } else {
        std::error_code ec;
        if (!std::filesystem::exists(arch, ec))
            throw parser.usageError("--arch must be paper, default or a model file, got '" + arch + "' (no such file)");
        options.config = PConvModel::load(arch).config();
    }
    if (options.size % options.config.sizeMultiple() != 0)
        throw parser.usageError("--size must be a multiple of " + std::to_string(options.config.sizeMultiple()) + " for this architecture, got " +
                                std::to_string(options.size));

    const ForwardBenchResult r = benchForward(options);
    if (parser.flagSet("json")) {
        std::printf("{\"pconv_ms\": %.2f, \"plain_ms\": %.2f, \"ratio\": %.4f, \"peak_rss_mb\": %.1f, \"size\": %d, \"batch\": %d, "
                    "\"threads\": %d, \"parameters\": %lld, \"depth\": %d, \"width\": %d}\n",
                    r.pconvMs, r.plainMs, r.ratio, r.peakRssMb, options.size, options.batch, r.threads, r.parameters, options.config.depth,
                    options.config.width);
        return 0;
    }
    std::printf("PConv U-Net (%s, %lld parameters), %dx%d, batch %d, %d thread%s, median of %d\n", describe(options.config).c_str(),
                r.parameters, options.size, options.size, options.batch, r.threads, r.threads == 1 ? "" : "s", options.reps);
    std::printf("  plain-conv U-Net forward: %9.1f ms\n", r.plainMs);
    std::printf("  PConv U-Net forward:      %9.1f ms\n", r.pconvMs);
    std::printf("  ratio PConv / plain:      %9.3f\n", r.ratio);
    std::printf("  peak RSS:                 %9.1f MB\n", r.peakRssMb);
    return 0;
}

} // namespace pconv::cli
