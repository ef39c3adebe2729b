#pragma once
// Big photos: instead of running a network on 12 megapixels, inpaint only around
// the holes (Crop, after IOPaint's strategy of the same name) or at a reduced size
// (Resize). Either way only hole pixels change. Torch-free.
#include "pconv/inpainter.h"

#include <opencv2/core.hpp>

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pconv {

enum class HdStrategy {
    Original,  // the whole image at full size
    Crop,      // each hole region's bounding box plus a margin, at full size
    Resize,    // the whole image scaled down (resizeScale(): long side to resizeLimit), then hole pixels scaled back up
};

std::string toString(HdStrategy strategy);  // "original", "crop", "resize"
std::optional<HdStrategy> parseHdStrategy(const std::string& text);

// Crop fills each region from the pixels around its holes: with less context than this
// the network has next to nothing to fill from (at 0 a rectangular hole has none at all).
constexpr int kMinCropMargin = 16;

struct HdOptions {
    HdStrategy strategy = HdStrategy::Crop;
    int triggerSize = 800;   // Crop and Resize apply only when the long side exceeds this
    int cropMargin = 128;    // context around each hole region, in px (at least kMinCropMargin)
    int resizeLimit = 1024;  // long side for Resize (see resizeScale())
};

// The factor Resize scales an image by: its long side to resizeLimit, except that the short
// side is not brought below a quarter of the limit (or its own size, if smaller): an
// 8000x300 panorama is filled at 6827x256, not squeezed to a 1024x38 strip. 1 = as it is.
double resizeScale(const cv::Size& image, int resizeLimit);

// Regions Crop would inpaint: bounding boxes of the hole regions grown by the
// margin (shifted inward at the image edges), overlapping boxes merged.
std::vector<cv::Rect> cropRegions(const cv::Mat& holes, int margin);

// Inpaints with the strategy. progress(done, total) is reported per region;
// when *cancel becomes true, returns std::nullopt as soon as the current region ends.
std::optional<cv::Mat> inpaintLarge(const Inpainter& inpainter, const cv::Mat& image, const cv::Mat& holes, const HdOptions& options,
                                    const std::function<void(int done, int total)>& progress = {},
                                    const std::atomic<bool>* cancel = nullptr);

} // namespace pconv
