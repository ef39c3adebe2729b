#pragma once
// Image quality metrics over whole images, as in the paper's evaluation.
// Inputs: two images of the same size and type (8-bit, 1 or 3 channels).
#include <opencv2/core.hpp>

namespace pconv {

// Mean absolute error as a percentage of the full range (the paper's "L1 (%)").
double meanAbsoluteErrorPercent(const cv::Mat& a, const cv::Mat& b);

// Peak signal-to-noise ratio in dB; identical images give +infinity.
double psnr(const cv::Mat& a, const cv::Mat& b);

// Structural similarity (Wang et al. 2004): 11x11 Gaussian window, sigma 1.5,
// K1 = 0.01, K2 = 0.03, averaged over pixels and channels.
double ssim(const cv::Mat& a, const cv::Mat& b);

} // namespace pconv
