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
    // (lavender on grass): those images are filled at a scale where the deepest hole pixel
    // is coarseHoleDepth px deep, and the fill is scaled back up (blurred, but of the
    // surroundings' colours). models/README.md has the measurements.
    cv::Mat fill(const cv::Mat& image, const cv::Mat& holes) const override {
        // With no known pixel at all there are no surroundings to take colours from.
        const bool allHole = cv::countNonZero(holes) == static_cast<int>(holes.total());
        const cv::Mat depths = holeDepths(holes);  // once, for the depth tests and both mixes
        double depth = 0;
        if (!allHole) cv::minMaxLoc(depths, nullptr, &depth);
        // Progress: the full-size passes take most of the time; the coarse pass is a small image.
        if (options_.maxHoleDepth <= 0 || depth <= options_.coarseHoleDepth) {
            // Texture from a depth below the coarse one (the editor's default): the network's
            // fill lays the hole out, the photo's patches give it texture.
            const bool texture = options_.deepHoleTexture && options_.maxHoleDepth > 0 && depth > options_.maxHoleDepth;
            cv::Mat fill;
            {
                const ProgressPart network(0, texture ? 0.5 : 0.95);
                fill = fillOnce(image, holes);
            }
            {
                const ProgressPart edge(texture ? 0.5 : 0.95, texture ? 0.55 : 1);
                fill = withClassicalEdge(fill, image, holes, depths);
            }
            if (!texture) return fill;
            const ProgressPart synthesis(0.55, 1);
            return synthesizeHoleTexture(image, holes, fill, textureOptions());
        }
        if (depth <= options_.maxHoleDepth) {
            cv::Mat fill;
            {
                const ProgressPart network(0, 0.85);
                fill = fillOnce(image, holes);
            }
            if (options_.coarseBlendFrom > 0 && options_.coarseBlendFrom < options_.coarseHoleDepth) {
                const ProgressPart coarse(0.85, 0.95);
                fill = mixInDeep(fill, coarseFill(image, holes, depth), depths);
            }
            return withClassicalEdge(fill, image, holes, depths);
        }
        cv::Mat filled;
        {
            const ProgressPart coarse(0, options_.deepHoleTexture ? 0.2 : 1.0);
            filled = coarseFill(image, holes, depth);
        }
        if (!options_.deepHoleTexture) return filled;
        const ProgressPart texture(0.2, 1);
        return synthesizeHoleTexture(image, holes, filled, textureOptions());
    }

private:
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
