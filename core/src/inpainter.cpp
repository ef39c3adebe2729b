#include "pconv/inpainter.h"

#include "pconv/errors.h"

#include <opencv2/imgproc.hpp>

namespace pconv {

std::string toString(Method method) {
    switch (method) {
    case Method::PConv: return "pconv";
    case Method::Telea: return "telea";
    case Method::NavierStokes: return "ns";
    }
    return "pconv";
}

std::optional<Method> parseMethod(const std::string& text) {
    for (auto m : {Method::PConv, Method::Telea, Method::NavierStokes})
        if (toString(m) == text) return m;
    return std::nullopt;
}

void checkInpaintInputs(const cv::Mat& image, const cv::Mat& holes) {
    if (image.empty()) throw InvalidArgument("image is empty");
    if (image.depth() != CV_8U && image.depth() != CV_16U)
        throw InvalidArgument("image must be 8- or 16-bit per channel");
    if (image.channels() != 1 && image.channels() != 3 && image.channels() != 4)
        throw InvalidArgument("image must have 1, 3 or 4 channels, has " + std::to_string(image.channels()));
    if (holes.type() != CV_8UC1) throw InvalidArgument("mask must be single-channel 8-bit");
    if (holes.size() != image.size())
        throw InvalidArgument("mask is " + std::to_string(holes.cols) + "x" + std::to_string(holes.rows) + " but the image is " +
                              std::to_string(image.cols) + "x" + std::to_string(image.rows) + " (they must match)");
}

cv::Mat compositeHoles(const cv::Mat& original, const cv::Mat& filled, const cv::Mat& holes) {
    CV_Assert(filled.size() == original.size() && filled.type() == original.type());
    cv::Mat result = original.clone();
    if (original.channels() != 4) {
        filled.copyTo(result, holes);
        return result;
    }
    // Replace colour only: alpha stays the original's everywhere.
    std::vector<cv::Mat> resultPlanes, filledPlanes;
    cv::split(result, resultPlanes);
    cv::split(filled, filledPlanes);
    for (int c = 0; c < 3; ++c) filledPlanes[c].copyTo(resultPlanes[c], holes);
    cv::merge(resultPlanes, result);
    return result;
}

namespace {

template <typename Pixel>
void copyNearestColours(cv::Mat& image, const cv::Mat& hidden, const cv::Mat& targets, const cv::Mat& labels) {
    // distanceTransform numbers its zero pixels (the visible ones) 1, 2, ... in raster order.
    std::vector<Pixel> colourOfLabel(1);
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x)
            if (!hidden.at<uchar>(y, x)) colourOfLabel.push_back(image.at<Pixel>(y, x));
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x)
            if (targets.at<uchar>(y, x)) {
                Pixel& p = image.at<Pixel>(y, x);
                const Pixel& nearest = colourOfLabel[static_cast<std::size_t>(labels.at<int>(y, x))];
                for (int c = 0; c < 3; ++c) p[c] = nearest[c];  // colour only; alpha stays
            }
}

// The colour under a fully transparent pixel is whatever the file held (often black): as
// context it would bleed into the fill. The fill sees the nearest visible colour there
// instead; the result keeps the original's pixels outside the holes all the same.
cv::Mat withVisibleColoursUnderTransparency(const cv::Mat& image, const cv::Mat& holes) {
    if (image.channels() != 4) return image;
    cv::Mat alpha;
    cv::extractChannel(image, alpha, 3);
    const cv::Mat transparent = (alpha == 0) & (holes == 0);
    const cv::Mat hidden = transparent | (holes != 0);  // no colour to take from these
    if (cv::countNonZero(transparent) == 0 || cv::countNonZero(hidden) == static_cast<int>(hidden.total())) return image;
    cv::Mat distance, labels;
    cv::distanceTransform(hidden, distance, labels, cv::DIST_L2, cv::DIST_MASK_5, cv::DIST_LABEL_PIXEL);
    cv::Mat prepared = image.clone();
    if (image.depth() == CV_8U) copyNearestColours<cv::Vec4b>(prepared, hidden, transparent, labels);
    else copyNearestColours<cv::Vec4w>(prepared, hidden, transparent, labels);
    return prepared;
}

} // namespace

cv::Mat Inpainter::inpaint(const cv::Mat& image, const cv::Mat& holes) const {
    checkInpaintInputs(image, holes);
    if (cv::countNonZero(holes) == 0) return image.clone();
    const cv::Mat filled = fill(withVisibleColoursUnderTransparency(image, holes), holes);
    return compositeHoles(image, filled, holes);
}

} // namespace pconv
