#include "pconv/inpainter.h"

#include "pconv/errors.h"
#include "pconv/mask_ops.h"
#include "pconv/progress_scope.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

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

// The colour under a fully transparent pixel is whatever the file held (often black): as
// context it would bleed into the fill. The fill sees the nearest visible colour there
// instead; the result keeps the original's pixels outside the holes all the same.
cv::Mat withVisibleColoursUnderTransparency(const cv::Mat& image, const cv::Mat& holes) {
    if (image.channels() != 4) return image;
    cv::Mat alpha;
    cv::extractChannel(image, alpha, 3);
    const cv::Mat transparent = (alpha == 0) & (holes == 0);
    return withNearestKnownColours(image, transparent | (holes != 0), transparent);  // holes have no colour to lend
}

} // namespace

cv::Mat Inpainter::inpaint(const cv::Mat& image, const cv::Mat& holes) const {
    checkInpaintInputs(image, holes);
    if (cv::countNonZero(holes) == 0) return image.clone();
    const ProgressPart whole(0, 1);  // its end is reported when the fill is done, whatever the method reported on the way
    // cv::inpaint reads outside a one-pixel-high image (each run filled its holes with other
    // garbage), and the network, to which the image's border is hole, sees almost nothing in
    // a strip a few pixels high: a thin image is filled with its edge rows or columns
    // repeated, which adds nothing that was not there.
    constexpr int kThinnest = 32;
    if (image.rows < kThinnest || image.cols < kThinnest) {
        const int padRows = std::max(0, kThinnest - image.rows), padCols = std::max(0, kThinnest - image.cols);
        cv::Mat tallImage, tallHoles;
        cv::copyMakeBorder(image, tallImage, 0, padRows, 0, padCols, cv::BORDER_REPLICATE);
        cv::copyMakeBorder(holes, tallHoles, 0, padRows, 0, padCols, cv::BORDER_REPLICATE);
        const cv::Mat filled = fill(withVisibleColoursUnderTransparency(tallImage, tallHoles), tallHoles);
        return compositeHoles(image, filled(cv::Rect(0, 0, image.cols, image.rows)), holes);
    }
    const cv::Mat filled = fill(withVisibleColoursUnderTransparency(image, holes), holes);
    return compositeHoles(image, filled, holes);
}

} // namespace pconv
