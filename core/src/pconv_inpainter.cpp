// The PConv network behind the Inpainter interface: any image size is padded
// (reflect) to a multiple of 2^depth, run once, and cropped back.
#include "pconv/inpainter.h"
#include "pconv/nn/memory_format.h"
#include "pconv/nn/pconv_unet.h"
#include "pconv/nn/tensor_image.h"

#include "pconv/errors.h"

#include <opencv2/core.hpp>

#include <cstdlib>
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
void checkMemory(const ModelConfig& config, int height, int width) {
    double limitMb = 6000;
    if (const char* env = std::getenv("PCONV_MEMORY_LIMIT_MB"); env && *env) limitMb = std::atof(env);
    const double neededMb = estimateInferenceBytes(config, height, width) / (1024.0 * 1024.0);
    if (limitMb > 0 && neededMb > limitMb)
        throw InvalidArgument("a " + std::to_string(width) + "x" + std::to_string(height) + " image needs about " +
                              std::to_string(static_cast<long>(neededMb)) + " MB for whole-image inference with this model (limit " +
                              std::to_string(static_cast<long>(limitMb)) +
                              " MB): use the crop or resize strategy (--hd-strategy crop), or set PCONV_MEMORY_LIMIT_MB");
}

// The flips of the NCHW tensors for each view (the first is the input as it is).
std::vector<std::vector<int64_t>> mirrorDims(int views) {
    std::vector<std::vector<int64_t>> dims{{}};
    if (views >= 2) dims.push_back({3});
    if (views >= 4) {
        dims.push_back({2});
        dims.push_back({2, 3});
    }
    return dims;
}

torch::Tensor mirrored(const torch::Tensor& t, const std::vector<int64_t>& dims) { return dims.empty() ? t : torch::flip(t, dims); }

class PConvInpainter : public Inpainter {
public:
    PConvInpainter(PConvModel model, PConvInpaintOptions options) : model_(std::move(model)), options_(options) {
        checkMirrorViews(options_.mirrorViews);
    }
    Method method() const override { return Method::PConv; }

protected:
    cv::Mat fill(const cv::Mat& image, const cv::Mat& holes) const override {
        const ModelConfig& config = model_.config();
        const int multiple = config.sizeMultiple();
        const int bottom = paddingFor(image.rows, multiple), right = paddingFor(image.cols, multiple);

        checkMemory(config, image.rows + bottom, image.cols + right);
        const cv::Mat rgb = padTo(nn::toRgbFloat(image), bottom, right);
        const cv::Mat paddedHoles = padTo(holes, bottom, right);

        // Guards are thread-local: created here, in the thread that runs the model.
        c10::InferenceMode inferenceMode;
        auto& network = model_.network();
        const auto input = nn::channelsLast(nn::normalizeImage(nn::rgbFloatToTensor(rgb), config.normalization));
        const auto valid = nn::holeMaskToValidTensor(paddedHoles);
        const auto masked = input * valid;
        torch::Tensor sum;
        for (const auto& dims : mirrorDims(options_.mirrorViews)) {
            const auto view = mirrored(network.forward(mirrored(masked, dims), mirrored(valid, dims)), dims);
            sum = sum.defined() ? sum + view : view;
        }
        const auto output = options_.mirrorViews == 1 ? sum : sum / options_.mirrorViews;
        const cv::Mat predicted = nn::tensorToRgbFloat(output, config.normalization)(cv::Rect(0, 0, image.cols, image.rows));
        return nn::rgbFloatToLike(predicted.clone(), image);
    }

private:
    PConvModel model_;
    PConvInpaintOptions options_;
};

} // namespace

void checkMirrorViews(int views) {
    if (views != 1 && views != 2 && views != 4)
        throw InvalidArgument("mirror views must be 1, 2 or 4, not " + std::to_string(views));
}

std::unique_ptr<Inpainter> makePConvInpainter(PConvModel model, PConvInpaintOptions options) {
    return std::make_unique<PConvInpainter>(std::move(model), options);
}

} // namespace pconv
