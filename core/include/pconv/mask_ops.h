#pragma once
// Whole-mask operations: the editor's edits (grow, shrink, invert) and what the
// inpainters ask of holes (how deep they reach, holes at a smaller scale). Masks are
// CV_8UC1, non-zero = hole; results use 255 = hole.
#include <opencv2/core.hpp>

namespace pconv {

// Holes grown by `pixels` (a round structuring element); 0 returns a copy.
cv::Mat growHoles(const cv::Mat& holes, int pixels);

// Holes shrunk by `pixels`.
cv::Mat shrinkHoles(const cv::Mat& holes, int pixels);

// Holes become valid and valid pixels holes.
cv::Mat invertHoles(const cv::Mat& holes);

// Each hole pixel's distance (px) to the nearest known pixel, 1 right at the edge; 0 on
// known pixels (CV_32FC1).
cv::Mat holeDepths(const cv::Mat& holes);

// The distance (px) from the hole pixel farthest inside to its nearest known pixel; 0
// without holes.
double deepestHoleDepth(const cv::Mat& holes);

// The holes at another size: a pixel there is a hole when any hole lies under it, so
// holes never shrink with the scale.
cv::Mat scaledHoles(const cv::Mat& holes, const cv::Size& size);

// A copy of image (1, 3 or 4 channels, 8- or 16-bit) in which every pixel of `targets`
// takes the colour of the nearest pixel outside `unknown` (alpha stays): a stand-in that
// comes from the known pixels alone. `targets` lies within `unknown`; with nothing known,
// the image comes back unchanged.
cv::Mat withNearestKnownColours(const cv::Mat& image, const cv::Mat& unknown, const cv::Mat& targets);

} // namespace pconv
