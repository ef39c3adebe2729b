#include "pconv/mask_ops.h"

#include "pconv/errors.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <vector>

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

cv::Mat holeDepths(const cv::Mat& holes) {
    cv::Mat distance;
    cv::distanceTransform(holes != 0, distance, cv::DIST_L2, cv::DIST_MASK_5);
    return distance;
}

double deepestHoleDepth(const cv::Mat& holes) {
    double deepest = 0;
    cv::minMaxLoc(holeDepths(holes), nullptr, &deepest);
    return deepest;
}

namespace {

template <typename Pixel>
void copyNearestColours(cv::Mat& image, const cv::Mat& unknown, const cv::Mat& targets, const cv::Mat& labels, int colourChannels) {
    // distanceTransform numbers its zero pixels (the known ones) 1, 2, ... in raster order.
    std::vector<Pixel> colourOfLabel(1);
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x)
            if (!unknown.at<uchar>(y, x)) colourOfLabel.push_back(image.at<Pixel>(y, x));
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x)
            if (targets.at<uchar>(y, x)) {
                Pixel& p = image.at<Pixel>(y, x);
                const Pixel& nearest = colourOfLabel[static_cast<std::size_t>(labels.at<int>(y, x))];
                for (int c = 0; c < colourChannels; ++c) p[c] = nearest[c];
            }
}

template <typename Depth>
void copyNearestColoursOf(cv::Mat& image, const cv::Mat& unknown, const cv::Mat& targets, const cv::Mat& labels) {
    const int colour = std::min(image.channels(), 3);
    switch (image.channels()) {
    case 1: copyNearestColours<cv::Vec<Depth, 1>>(image, unknown, targets, labels, colour); break;
    case 3: copyNearestColours<cv::Vec<Depth, 3>>(image, unknown, targets, labels, colour); break;
    default: copyNearestColours<cv::Vec<Depth, 4>>(image, unknown, targets, labels, colour); break;
    }
}

} // namespace

cv::Mat withNearestKnownColours(const cv::Mat& image, const cv::Mat& unknown, const cv::Mat& targets) {
    CV_Assert(image.size() == unknown.size() && image.size() == targets.size() && (image.depth() == CV_8U || image.depth() == CV_16U));
    const cv::Mat unknownMask = unknown != 0, targetMask = targets != 0;
    if (cv::countNonZero(targetMask) == 0 || cv::countNonZero(unknownMask) == static_cast<int>(unknownMask.total())) return image;
    cv::Mat distance, labels;
    cv::distanceTransform(unknownMask, distance, labels, cv::DIST_L2, cv::DIST_MASK_5, cv::DIST_LABEL_PIXEL);
    cv::Mat result = image.clone();
    if (image.depth() == CV_8U) copyNearestColoursOf<uchar>(result, unknownMask, targetMask, labels);
    else copyNearestColoursOf<ushort>(result, unknownMask, targetMask, labels);
    return result;
}

cv::Mat scaledHoles(const cv::Mat& holes, const cv::Size& size) {
    if (size == holes.size()) return holes != 0;
    cv::Mat scaled;
    cv::resize(holes != 0, scaled, size, 0, 0, cv::INTER_AREA);
    return scaled != 0;
}

} // namespace pconv
