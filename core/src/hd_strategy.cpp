#include "pconv/hd_strategy.h"
#include "pconv/progress_scope.h"

#include "pconv/errors.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace pconv {

std::string toString(HdStrategy strategy) {
    switch (strategy) {
    case HdStrategy::Original: return "original";
    case HdStrategy::Crop: return "crop";
    case HdStrategy::Resize: return "resize";
    }
    return "crop";
}

std::optional<HdStrategy> parseHdStrategy(const std::string& text) {
    for (auto s : {HdStrategy::Original, HdStrategy::Crop, HdStrategy::Resize})
        if (toString(s) == text) return s;
    return std::nullopt;
}

namespace {

// Grows r by margin on every side; where that leaves the image, shifts the box
// inward so the context stays as large as the image allows.
cv::Rect growInside(const cv::Rect& r, int margin, const cv::Size& size) {
    auto fit = [](int start, int length, int limit) {
        length = std::min(length, limit);
        start = std::clamp(start, 0, limit - length);
        return std::make_pair(start, length);
    };
    const auto [x, w] = fit(r.x - margin, r.width + 2 * margin, size.width);
    const auto [y, h] = fit(r.y - margin, r.height + 2 * margin, size.height);
    return {x, y, w, h};
}

} // namespace

std::vector<cv::Rect> cropRegions(const cv::Mat& holes, int margin) {
    cv::Mat labels, stats, centroids;
    const int count = cv::connectedComponentsWithStats(holes != 0, labels, stats, centroids, 8, CV_32S);
    std::vector<cv::Rect> boxes;
    for (int i = 1; i < count; ++i) {
        const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP), stats.at<int>(i, cv::CC_STAT_WIDTH),
                           stats.at<int>(i, cv::CC_STAT_HEIGHT));
        boxes.push_back(growInside(box, margin, holes.size()));
    }
    // Merge overlapping boxes until none overlap, so no hole is filled twice with different context.
    for (bool merged = true; merged;) {
        merged = false;
        for (size_t i = 0; i < boxes.size() && !merged; ++i)
            for (size_t j = i + 1; j < boxes.size() && !merged; ++j)
                if ((boxes[i] & boxes[j]).area() > 0) {
                    boxes[i] |= boxes[j];
                    boxes.erase(boxes.begin() + static_cast<std::ptrdiff_t>(j));
                    merged = true;
                }
    }
    std::sort(boxes.begin(), boxes.end(), [](const cv::Rect& a, const cv::Rect& b) { return a.y != b.y ? a.y < b.y : a.x < b.x; });
    return boxes;
}

double resizeScale(const cv::Size& image, int resizeLimit) {
    const int longSide = std::max(image.width, image.height), shortSide = std::min(image.width, image.height);
    const double shortSideFloor = std::min(shortSide, resizeLimit / 4);
    return std::min(1.0, std::max(static_cast<double>(resizeLimit) / longSide, shortSideFloor / shortSide));
}

std::optional<cv::Mat> inpaintLarge(const Inpainter& inpainter, const cv::Mat& image, const cv::Mat& holes, const HdOptions& options,
                                    const std::function<void(int, int)>& progress, const std::atomic<bool>* cancel) {
    checkInpaintInputs(image, holes);
    if (options.cropMargin < kMinCropMargin)
        throw InvalidArgument("crop margin must be at least " + std::to_string(kMinCropMargin) + " px: the holes are filled from the pixels around them");
    if (options.resizeLimit < 16) throw InvalidArgument("resize limit must be at least 16 px");
    auto cancelled = [&] { return cancel && cancel->load(); };
    const int longSide = std::max(image.cols, image.rows);
    const bool large = longSide > options.triggerSize;

    // Resize only ever shrinks: a photo already within its limit (a trigger below the limit)
    // is filled as it is, not enlarged to the limit and blurred back.
    const double scale = resizeScale(image.size(), options.resizeLimit);
    const bool withinResizeLimit = scale >= 1;
    if (options.strategy == HdStrategy::Original || !large || (options.strategy == HdStrategy::Resize && withinResizeLimit)) {
        if (progress) progress(0, 1);
        cv::Mat result = inpainter.inpaint(image, holes);
        if (progress) progress(1, 1);
        return cancelled() ? std::nullopt : std::optional<cv::Mat>(result);
    }

    if (options.strategy == HdStrategy::Resize) {
        if (progress) progress(0, 1);
        cv::Mat smallImage, smallHoles, filledSmall, filled;
        cv::resize(image, smallImage, {}, scale, scale, cv::INTER_AREA);
        // Any hole pixel under a small pixel makes it a hole: never shrink the holes.
        cv::resize(holes != 0, smallHoles, smallImage.size(), 0, 0, cv::INTER_AREA);
        smallHoles = smallHoles != 0;
        filledSmall = inpainter.inpaint(smallImage, smallHoles);
        if (cancelled()) return std::nullopt;
        cv::resize(filledSmall, filled, image.size(), 0, 0, cv::INTER_CUBIC);
        cv::Mat result = compositeHoles(image, filled, holes);
        if (progress) progress(1, 1);
        return result;
    }

    const auto regions = cropRegions(holes, options.cropMargin);
    cv::Mat result = image.clone();
    for (size_t i = 0; i < regions.size(); ++i) {
        if (progress) progress(static_cast<int>(i), static_cast<int>(regions.size()));
        if (cancelled()) return std::nullopt;
        const cv::Rect& r = regions[i];
        const ProgressPart region(static_cast<double>(i) / regions.size(), static_cast<double>(i + 1) / regions.size());
        inpainter.inpaint(image(r), holes(r)).copyTo(result(r));
    }
    if (progress) progress(static_cast<int>(regions.size()), static_cast<int>(regions.size()));
    return cancelled() ? std::nullopt : std::optional<cv::Mat>(result);
}

} // namespace pconv
