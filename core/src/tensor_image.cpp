#include "pconv/nn/tensor_image.h"

#include "pconv/image_io.h"

#include <opencv2/imgproc.hpp>

namespace pconv::nn {
namespace {

double fullScale(int depth) { return depth == CV_16U ? 65535.0 : 255.0; }

// ImageNet statistics in RGB order.
const float kMean[3] = {0.485f, 0.456f, 0.406f};
const float kStd[3] = {0.229f, 0.224f, 0.225f};

} // namespace

cv::Mat toRgbFloat(const cv::Mat& image) {
    CV_Assert(image.depth() == CV_8U || image.depth() == CV_16U);
    cv::Mat rgb;
    switch (image.channels()) {
    case 1: cv::cvtColor(image, rgb, cv::COLOR_GRAY2RGB); break;
    case 3: cv::cvtColor(image, rgb, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(image, rgb, cv::COLOR_BGRA2RGB); break;
    default: CV_Error(cv::Error::StsBadArg, "expected 1, 3 or 4 channels");
    }
    cv::Mat result;
    rgb.convertTo(result, CV_32F, 1.0 / fullScale(image.depth()));
    return result;
}

torch::Tensor rgbFloatToTensor(const cv::Mat& rgb) {
    CV_Assert(rgb.type() == CV_32FC3 && rgb.isContinuous());
    return torch::from_blob(rgb.data, {1, rgb.rows, rgb.cols, 3}, torch::kFloat32).permute({0, 3, 1, 2}).clone(torch::MemoryFormat::Contiguous);  // from_blob does not own the memory
}

torch::Tensor normalizeImage(const torch::Tensor& rgb01, InputNormalization normalization) {
    if (normalization == InputNormalization::MinusOneToOne) return rgb01 * 2.0 - 1.0;
    const auto mean = torch::tensor({kMean[0], kMean[1], kMean[2]}, rgb01.options()).view({1, 3, 1, 1});
    const auto std = torch::tensor({kStd[0], kStd[1], kStd[2]}, rgb01.options()).view({1, 3, 1, 1});
    return (rgb01 - mean) / std;
}

torch::Tensor denormalizeImage(const torch::Tensor& normalized, InputNormalization normalization) {
    if (normalization == InputNormalization::MinusOneToOne) return (normalized + 1.0) * 0.5;
    const auto mean = torch::tensor({kMean[0], kMean[1], kMean[2]}, normalized.options()).view({1, 3, 1, 1});
    const auto std = torch::tensor({kStd[0], kStd[1], kStd[2]}, normalized.options()).view({1, 3, 1, 1});
    return normalized * std + mean;
}

cv::Mat rgb01ToBgr8(const torch::Tensor& chw) {
    TORCH_CHECK(chw.dim() == 3 && chw.size(0) == 3, "expected [3, H, W], got ", chw.sizes());
    const auto hwc = chw.detach().to(torch::kCPU, torch::kFloat32).clamp(0.0, 1.0).permute({1, 2, 0}).contiguous();
    const cv::Mat rgb(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_32FC3, hwc.data_ptr<float>());
    cv::Mat rgb8, bgr;
    rgb.convertTo(rgb8, CV_8U, 255.0);
    cv::cvtColor(rgb8, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

cv::Mat tensorToRgbFloat(const torch::Tensor& tensor, InputNormalization normalization) {
    TORCH_CHECK(tensor.dim() == 4 && tensor.size(0) == 1 && tensor.size(1) == 3, "expected [1, 3, H, W], got ", tensor.sizes());
    torch::Tensor rgb = denormalizeImage(tensor.detach().to(torch::kCPU, torch::kFloat32), normalization);
    rgb = rgb.clamp(0.0, 1.0).permute({0, 2, 3, 1}).contiguous();
    const int rows = static_cast<int>(rgb.size(1)), cols = static_cast<int>(rgb.size(2));
    return cv::Mat(rows, cols, CV_32FC3, rgb.data_ptr<float>()).clone();
}

torch::Tensor holeMaskToValidTensor(const cv::Mat& holes) {
    CV_Assert(holes.type() == CV_8UC1);
    cv::Mat valid;
    cv::compare(holes, 0, valid, cv::CMP_EQ);  // 255 where valid
    cv::Mat validFloat;
    valid.convertTo(validFloat, CV_32F, 1.0 / 255.0);
    return torch::from_blob(validFloat.data, {1, 1, holes.rows, holes.cols}, torch::kFloat32).clone();
}

cv::Mat rgbFloatToLike(const cv::Mat& rgb, const cv::Mat& like) {
    CV_Assert(rgb.type() == CV_32FC3);
    cv::Mat scaled;
    rgb.convertTo(scaled, like.depth(), fullScale(like.depth()));  // convertTo rounds and saturates
    cv::Mat result;
    switch (like.channels()) {
    case 1: cv::cvtColor(scaled, result, cv::COLOR_RGB2GRAY); break;
    case 3: cv::cvtColor(scaled, result, cv::COLOR_RGB2BGR); break;
    case 4: {
        cv::Mat bgr;
        cv::cvtColor(scaled, bgr, cv::COLOR_RGB2BGR);
        result = attachAlpha(bgr, like);
        break;
    }
    default: CV_Error(cv::Error::StsBadArg, "expected 1, 3 or 4 channels");
    }
    return result;
}

} // namespace pconv::nn
