#include "pconv/mask_ops.h"

#include "pconv/errors.h"

#include <opencv2/imgproc.hpp>

namespace pconv {
namespace {

cv::Mat morph(const cv::Mat& holes, int pixels, int op) {
    if (holes.type() != CV_8UC1) throw InvalidArgument("mask must be single-channel 8-bit");
    if (pixels < 0) throw InvalidArgument("grow/shrink amount must not be negative");
    cv::Mat binary = holes != 0;
    if (pixels == 0) return binary;
    const cv::Mat disk = cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * pixels + 1, 2 * pixels + 1});
    cv::Mat out;
    // Beyond the border the edge pixel repeats, so holes touching the edge are not eaten from outside.
    cv::morphologyEx(binary, out, op, disk, {-1, -1}, 1, cv::BORDER_REPLICATE);
    return out;
}

} // namespace

cv::Mat growHoles(const cv::Mat& holes, int pixels) { return morph(holes, pixels, cv::MORPH_DILATE); }
cv::Mat shrinkHoles(const cv::Mat& holes, int pixels) { return morph(holes, pixels, cv::MORPH_ERODE); }

cv::Mat invertHoles(const cv::Mat& holes) {
    if (holes.type() != CV_8UC1) throw InvalidArgument("mask must be single-channel 8-bit");
    return holes == 0;
}

double deepestHoleDepth(const cv::Mat& holes) {
    cv::Mat distance;
    cv::distanceTransform(holes != 0, distance, cv::DIST_L2, cv::DIST_MASK_5);
    double deepest = 0;
    cv::minMaxLoc(distance, nullptr, &deepest);
    return deepest;
}

cv::Mat scaledHoles(const cv::Mat& holes, const cv::Size& size) {
    if (size == holes.size()) return holes != 0;
    cv::Mat scaled;
    cv::resize(holes != 0, scaled, size, 0, 0, cv::INTER_AREA);
    return scaled != 0;
}

} // namespace pconv
