#pragma once
// The one place where cv::Mat and torch::Tensor meet. OpenCV keeps BGR(A), HWC,
// 8/16-bit; the network wants RGB, NCHW, float. Every conversion goes through here.
#include "pconv/model_config.h"

#include <opencv2/core.hpp>
#include <torch/types.h>

namespace pconv::nn {

// 8/16-bit image with 1, 3 or 4 channels -> CV_32FC3 RGB in [0, 1]. Gray is
// replicated to three channels; alpha is dropped (callers keep it aside).
cv::Mat toRgbFloat(const cv::Mat& image);

// CV_32FC3 RGB in [0, 1] -> [1, 3, H, W] tensor, still in [0, 1].
torch::Tensor rgbFloatToTensor(const cv::Mat& rgb);

// [1, 3, H, W] network output -> CV_32FC3 RGB clamped to [0, 1].
cv::Mat tensorToRgbFloat(const torch::Tensor& tensor, InputNormalization normalization);

// [N, 3, H, W] RGB in [0, 1] <-> the network's input range (no clamping).
torch::Tensor normalizeImage(const torch::Tensor& rgb01, InputNormalization normalization);
torch::Tensor denormalizeImage(const torch::Tensor& normalized, InputNormalization normalization);

// [3, H, W] RGB in [0, 1] (clamped) -> CV_8UC3 BGR, rounded.
cv::Mat rgb01ToBgr8(const torch::Tensor& chw);

// CV_8UC1 hole mask (non-zero = hole) -> [1, 1, H, W] float with 1 = valid, 0 = hole.
torch::Tensor holeMaskToValidTensor(const cv::Mat& holes);

// CV_32FC3 RGB in [0, 1] -> the layout and depth of `like` (gray, BGR or BGRA;
// for BGRA the alpha comes from `like`), rounding to the nearest integer.
cv::Mat rgbFloatToLike(const cv::Mat& rgb, const cv::Mat& like);

} // namespace pconv::nn
