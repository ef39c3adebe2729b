// The PConv network behind the Inpainter interface: any image size is padded
// (reflect) to a multiple of 2^depth, run once, and cropped back.
#include "pconv/inpainter.h"
#include "pconv/mask_ops.h"
#include "pconv/patch_synthesis.h"
#include "pconv/progress_scope.h"
#include "pconv/nn/memory_format.h"
#include "pconv/nn/pconv_unet.h"
#include "pconv/nn/tensor_image.h"

#include "pconv/errors.h"

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdlib>
#include <tuple>
#include <utility>
#include <vector>
#include <torch/torch.h>

namespace pconv {
namespace {

int paddingFor(int size, int multiple) { return (multiple - size % multiple) % multiple; }

// Reflect needs at least two pixels; a 1-pixel side is replicated instead.
cv::Mat padTo(const cv::Mat& m, int bottom, int right) {
    const int border = (m.rows > 1 && m.cols > 1) ? cv::BORDER_REFLECT_101 : cv::BORDER_REPLICATE;
    cv::Mat padded;
    cv::copyMakeBorder(m, padded, 0, bottom, 0, right, border);
    return padded;
}

// Whole-image inference on a huge photo can need tens of GB: refuse up front with
// a way out rather than let the machine swap or the allocator abort.
void checkMemory(const ModelConfig& config, const cv::Size& imageSize, const cv::Size& paddedSize) {
    double limitMb = 6000;
    if (const char* env = std::getenv("PCONV_MEMORY_LIMIT_MB"); env && *env) limitMb = std::atof(env);
    const double neededMb = estimateInferenceBytes(config, paddedSize.height, paddedSize.width) / (1024.0 * 1024.0);
    if (limitMb > 0 && neededMb > limitMb)
        throw InvalidArgument("a " + std::to_string(imageSize.width) + "x" + std::to_string(imageSize.height) + " image needs about " +
                              std::to_string(static_cast<long>(neededMb)) + " MB to be filled in one piece by this model (limit " +
                              std::to_string(static_cast<long>(limitMb)) +
                              " MB): fill it in crops around the holes or at a smaller size (in the editor: \"Crop around holes\" or "
                              "\"Resize\" in the toolbar, limits under Tools > Big-Photo Settings; with pconv inpaint: --hd-strategy crop, "
                              "or a smaller --hd-resize-limit), or raise PCONV_MEMORY_LIMIT_MB");
}

// One view of the NCHW input: optionally transposed (rows for columns), then flipped
// along `flipDims`. The views are the symmetries of a rectangle's pixel grid.
struct View {
    bool transposed = false;
    std::vector<int64_t> flipDims;

    torch::Tensor apply(torch::Tensor t) const {
        if (transposed) t = nn::channelsLast(t.transpose(2, 3));
        return flipDims.empty() ? t : torch::flip(t, flipDims);
    }
    torch::Tensor undo(torch::Tensor t) const {
        if (!flipDims.empty()) t = torch::flip(t, flipDims);
        return transposed ? t.transpose(2, 3) : t;
    }
};

// The first is the input as it is; then the left-right mirror; then the up-down
// mirrors of both; then the transposes of those four.
std::vector<View> viewsFor(int count) {
    const std::vector<std::vector<int64_t>> flips{{}, {3}, {2}, {2, 3}};
    std::vector<View> views;
    for (int i = 0; i < count; ++i) views.push_back(View{i >= 4, flips[static_cast<size_t>(i % 4)]});
    return views;
}

class PConvInpainter : public Inpainter {
public:
    PConvInpainter(PConvModel model, PConvInpaintOptions options) : model_(std::move(model)), options_(options) {
        checkMirrorViews(options_.mirrorViews);
    }
    Method method() const override { return Method::PConv; }

protected:
    // Holes deeper than the network ever saw in training come out a flat, wrong colour
    // (lavender on grass): such a hole is filled at a scale where its deepest pixel is
    // coarseHoleDepth px deep, and the fill is scaled back up (blurred, but of the
    // surroundings' colours). models/README.md has the measurements. Each hole (connected
    // region) takes the path its own depth calls for: a thin stroke beside a wide hole is
    // filled as it would be alone.
    cv::Mat fill(const cv::Mat& image, const cv::Mat& holes) const override {
        const cv::Mat depths = holeDepths(holes);  // once, for the depth tests and both mixes
        // With no known pixel at all there are no surroundings to take colours from.
        if (cv::countNonZero(holes) == static_cast<int>(holes.total())) return withClassicalEdge(fillOnce(image, holes), image, holes, depths);
        const bool depthRules = options_.maxHoleDepth > 0;
        const double coarseFrom = std::max<double>(options_.coarseHoleDepth, options_.maxHoleDepth);
        cv::Mat coarseHoles, textureHoles;
        double deepest = 0, networkDepth = 0;  // over all holes; over those the network fills itself
        {
            cv::Mat labels;
            const int count = cv::connectedComponents(holes != 0, labels, 8, CV_32S);
            std::vector<float> regionDepth(static_cast<size_t>(count), 0.0f);
            for (int y = 0; y < labels.rows; ++y)
                for (int x = 0; x < labels.cols; ++x) {
                    float& d = regionDepth[static_cast<size_t>(labels.at<int>(y, x))];
                    d = std::max(d, depths.at<float>(y, x));
                }
            cv::Mat regionIsCoarse(1, count, CV_8U, cv::Scalar(0)), regionHasTexture(1, count, CV_8U, cv::Scalar(0));
            for (int r = 1; r < count; ++r) {
                const double d = regionDepth[static_cast<size_t>(r)];
                deepest = std::max(deepest, d);
                const bool coarse = depthRules && d > coarseFrom;
                if (!coarse) networkDepth = std::max(networkDepth, d);
                regionIsCoarse.at<uchar>(r) = coarse ? 255 : 0;
                regionHasTexture.at<uchar>(r) = depthRules && options_.deepHoleTexture && d > options_.maxHoleDepth ? 255 : 0;
            }
            coarseHoles = lookUp(labels, regionIsCoarse);
            textureHoles = lookUp(labels, regionHasTexture);
        }
        const bool anyCoarse = cv::countNonZero(coarseHoles) > 0, anyTexture = cv::countNonZero(textureHoles) > 0;
        // Progress: the full-size network pass takes most of the time unless texture follows.
        const double networkEnd = anyTexture ? 0.45 : 0.85;
        cv::Mat fill;
        {
            const ProgressPart network(0, networkEnd);
            fill = networkDepth > 0 ? fillOnce(image, holes) : image.clone();
        }
        {
            const ProgressPart coarse(networkEnd, networkEnd + 0.05);
            // Holes 24-48 px deep: the coarse fill mixed in by depth (no off-colour blobs in their centres).
            if (depthRules && options_.coarseBlendFrom > 0 && options_.coarseBlendFrom < options_.coarseHoleDepth &&
                networkDepth > options_.coarseHoleDepth)
                fill = mixInDeep(fill, coarseFill(image, holes, networkDepth), depths);
            if (anyCoarse) coarseFill(image, holes, deepest).copyTo(fill, coarseHoles);
        }
        {
            const ProgressPart edge(networkEnd + 0.05, networkEnd + 0.1);
            if (networkDepth > 0) withClassicalEdge(fill, image, holes, depths).copyTo(fill, (holes != 0) & ~coarseHoles);
        }
        if (!anyTexture) return fill;
        // The photo's own pixels around the holes are the sources, not the network's output there.
        image.copyTo(fill, holes == 0);
        const ProgressPart synthesis(networkEnd + 0.1, 1);
        // The holes without texture are filled by now, and so are what the photo's patches sit beside.
        return synthesizeHoleTexture(fill, textureHoles, fill, textureOptions());
    }

private:
    // 255 where a pixel's region (labels: CV_32S) is marked in `marked` (1 x regions, CV_8U).
    static cv::Mat lookUp(const cv::Mat& labels, const cv::Mat& marked) {
        cv::Mat out(labels.size(), CV_8U);
        for (int y = 0; y < labels.rows; ++y)
            for (int x = 0; x < labels.cols; ++x) out.at<uchar>(y, x) = marked.at<uchar>(labels.at<int>(y, x));
        return out;
    }

    PatchSynthesisOptions textureOptions() const {
        PatchSynthesisOptions synthesis;
        synthesis.coarseDepth = options_.coarseHoleDepth;
        return synthesis;
    }

    // The classical fills' share at the hole's edge (PConvInpaintOptions::classicalEdge).
    cv::Mat withClassicalEdge(const cv::Mat& fill, const cv::Mat& image, const cv::Mat& holes, const cv::Mat& depths) const {
        if (options_.classicalEdge <= 0) return fill;
        const cv::Mat telea = makeClassicalInpainter(Method::Telea)->inpaint(image, holes);
        const cv::Mat ns = makeClassicalInpainter(Method::NavierStokes)->inpaint(image, holes);
        cv::Mat teleaF, nsF, share;
        telea.convertTo(teleaF, CV_32F);
        ns.convertTo(nsF, CV_32F);
        cv::exp((1.0 - depths) / options_.classicalEdge, share);
        return mixed(fill, (teleaF + nsF) * 0.5, cv::min(share, 1.0));
    }

    // The coarse fill's share rises with the depth of the hole pixel (models/README.md).
    cv::Mat mixInDeep(const cv::Mat& full, const cv::Mat& coarse, const cv::Mat& depths) const {
        const double from = options_.coarseBlendFrom, to = options_.coarseHoleDepth;
        cv::Mat share, coarseF;
        depths.convertTo(share, CV_32F, 1.0 / (to - from), -from / (to - from));
        coarse.convertTo(coarseF, CV_32F);
        return mixed(full, coarseF, cv::min(cv::max(share, 0.0), 1.0));
    }

    // base + share * (other - base), per pixel; other is CV_32F, share CV_32FC1 in [0, 1].
    static cv::Mat mixed(const cv::Mat& base, const cv::Mat& other, const cv::Mat& share) {
        cv::Mat baseF, shares, result;
        base.convertTo(baseF, CV_32F);
        cv::merge(std::vector<cv::Mat>(static_cast<size_t>(base.channels()), share), shares);
        cv::Mat(baseF + shares.mul(other - baseF)).convertTo(result, base.type());  // rounds and saturates
        return result;
    }

    cv::Mat coarseFill(const cv::Mat& image, const cv::Mat& holes, double depth) const {
        const double scale = options_.coarseHoleDepth / depth;
        const cv::Size smallSize(std::max(1, cvRound(image.cols * scale)), std::max(1, cvRound(image.rows * scale)));
        cv::Mat smallImage, filled;
        cv::resize(image, smallImage, smallSize, 0, 0, cv::INTER_AREA);
        cv::Mat smallHoles = scaledHoles(holes, smallSize);
        // Known pixels too few or too thin to survive that (a 3 px strip, a small patch in a
        // 99 % hole) would leave the network nothing to go on: then a small pixel is known
        // where any of its pixels is, in the mean colour of those alone.
        if (cv::countNonZero(smallHoles == 0) == 0) std::tie(smallImage, smallHoles) = knownOnlyDownscale(image, holes, smallSize);
        cv::resize(fillOnce(smallImage, smallHoles != 0), filled, image.size(), 0, 0, cv::INTER_CUBIC);
        return filled;
    }

    static std::pair<cv::Mat, cv::Mat> knownOnlyDownscale(const cv::Mat& image, const cv::Mat& holes, const cv::Size& size) {
        cv::Mat known, knownSmall, imageF;
        cv::Mat(holes == 0).convertTo(known, CV_32F, 1.0 / 255);
        cv::resize(known, knownSmall, size, 0, 0, cv::INTER_AREA);
        image.convertTo(imageF, CV_32F);
        std::vector<cv::Mat> planes;
        cv::split(imageF, planes);
        for (cv::Mat& plane : planes) {
            cv::Mat weighted;
            cv::resize(plane.mul(known), weighted, size, 0, 0, cv::INTER_AREA);
            cv::divide(weighted, knownSmall, plane);  // 0 where nothing is known
        }
        cv::Mat smallF, small;
        cv::merge(planes, smallF);
        smallF.convertTo(small, image.type());
        return {small, knownSmall <= 0};
    }

    cv::Mat fillOnce(const cv::Mat& image, const cv::Mat& holes) const {
        const ModelConfig& config = model_.config();
        const int multiple = config.sizeMultiple();
        const int bottom = paddingFor(image.rows, multiple), right = paddingFor(image.cols, multiple);

        checkMemory(config, image.size(), {image.cols + right, image.rows + bottom});
        const cv::Mat rgb = padTo(nn::toRgbFloat(image), bottom, right);
        const cv::Mat paddedHoles = padTo(holes, bottom, right);

        // Guards are thread-local: created here, in the thread that runs the model.
        c10::InferenceMode inferenceMode;
        auto& network = model_.network();
        const auto input = nn::channelsLast(nn::normalizeImage(nn::rgbFloatToTensor(rgb), config.normalization));
        const auto valid = nn::holeMaskToValidTensor(paddedHoles);
        const auto masked = input * valid;
        torch::Tensor sum;
        const auto views = viewsFor(options_.mirrorViews);
        for (size_t i = 0; i < views.size(); ++i) {
            const auto& view = views[i];
            const ProgressPart pass(static_cast<double>(i) / views.size(), static_cast<double>(i + 1) / views.size());
            const auto filled = view.undo(network.forward(view.apply(masked), view.apply(valid)));
            sum = sum.defined() ? sum + filled : filled;
        }
        const auto output = options_.mirrorViews == 1 ? sum : sum / options_.mirrorViews;
        const cv::Mat predicted = nn::tensorToRgbFloat(output, config.normalization)(cv::Rect(0, 0, image.cols, image.rows));
        return nn::rgbFloatToLike(predicted.clone(), image);
    }

    PConvModel model_;
    PConvInpaintOptions options_;
};

} // namespace

namespace {
constexpr int kMirrorViewCounts[] = {1, 2, 4, 8};
}

bool isMirrorViewCount(int views) { return std::find(std::begin(kMirrorViewCounts), std::end(kMirrorViewCounts), views) != std::end(kMirrorViewCounts); }

std::string mirrorViewCountsText() {
    std::string text;
    const size_t n = std::size(kMirrorViewCounts);
    for (size_t i = 0; i < n; ++i) text += (i == 0 ? "" : (i + 1 == n ? " or " : ", ")) + std::to_string(kMirrorViewCounts[i]);
    return text;
}

void checkMirrorViews(int views) {
    if (!isMirrorViewCount(views))
        throw InvalidArgument("mirror views must be " + mirrorViewCountsText() + ", not " + std::to_string(views));
}

std::unique_ptr<Inpainter> makePConvInpainter(PConvModel model, PConvInpaintOptions options) {
    return std::make_unique<PConvInpainter>(std::move(model), options);
}

} // namespace pconv
