#pragma once
// Whole-mask edits for the editor: grow, shrink, invert. Masks are CV_8UC1,
// non-zero = hole; results use 255 = hole.
#include <opencv2/core.hpp>

namespace pconv {

// Holes grown by `pixels` (a round structuring element); 0 returns a copy.
cv::Mat growHoles(const cv::Mat& holes, int pixels);

// Holes shrunk by `pixels`.
cv::Mat shrinkHoles(const cv::Mat& holes, int pixels);

// Holes become valid and valid pixels holes.
cv::Mat invertHoles(const cv::Mat& holes);

} // namespace pconv
