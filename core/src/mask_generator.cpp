#include "pconv/mask_generator.h"

#include "pconv/errors.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace pconv {
namespace {

enum class Shape { Line, Rectangle, Ellipse, Circle };

// Draws the seed's shapes with sizes scaled from its 512x512 reference.
class ShapePainter {
public:
    ShapePainter(int width, int height, std::uint64_t seed)
        : width_(width), height_(height), scale_(std::min(width, height) / 512.0), rng_(seed) {}

    void draw(cv::Mat& holes, Shape shape) {
        switch (shape) {
        case Shape::Line: drawLine(holes); break;
        case Shape::Rectangle: drawRectangle(holes); break;
        case Shape::Ellipse: drawEllipse(holes); break;
        case Shape::Circle: drawCircle(holes); break;
        }
    }

    int uniform(int lo, int hiInclusive) { return std::uniform_int_distribution<int>(lo, hiInclusive)(rng_); }

private:
    int scaled(double v) const { return std::max(1, static_cast<int>(std::lround(v * scale_))); }
    int thickness() { return scaled(uniform(10, 29)); }
    cv::Point randomPoint() { return {uniform(0, width_ - 1), uniform(0, height_ - 1)}; }

    void drawLine(cv::Mat& holes) {
        const cv::Point a = randomPoint(), b = randomPoint();
        cv::line(holes, a, b, 255, thickness());
    }
    void drawRectangle(cv::Mat& holes) {
        const int sizeMax = scaled(40);
        const cv::Point start{uniform(0, std::max(0, width_ - sizeMax)), uniform(0, std::max(0, height_ - sizeMax))};
        const cv::Point end{start.x + uniform(scaled(5), sizeMax), start.y + uniform(scaled(5), sizeMax)};
        cv::rectangle(holes, start, end, 255, thickness());
    }
    void drawEllipse(cv::Mat& holes) {
        const cv::Point centre = randomPoint();
        const cv::Size axes{scaled(uniform(50, 299)), scaled(uniform(50, 299))};
        const double angle = uniform(-180, 180), startAngle = uniform(-180, 180), endAngle = uniform(-180, 180);
        cv::ellipse(holes, centre, axes, angle, startAngle, endAngle, 255, thickness());
    }
    void drawCircle(cv::Mat& holes) {
        const cv::Point centre = randomPoint();
        const int radius = static_cast<int>(std::lround(uniform(0, 29) * scale_));
        cv::circle(holes, centre, radius, 255, thickness());
    }

    int width_, height_;
    double scale_;
    std::mt19937_64 rng_;
};

void count(GeneratedMask& mask, Shape shape) {
    switch (shape) {
    case Shape::Line: ++mask.lines; break;
    case Shape::Rectangle: ++mask.rectangles; break;
    case Shape::Ellipse: ++mask.ellipses; break;
    case Shape::Circle: ++mask.circles; break;
    }
}

void validate(const MaskGeneratorOptions& o) {
    if (o.width < 1 || o.height < 1)
        throw InvalidArgument("mask size must be at least 1x1, got " + std::to_string(o.width) + "x" + std::to_string(o.height));
    if (o.minUnits < 0 || o.maxUnits < o.minUnits)
        throw InvalidArgument("units must satisfy 0 <= min-units <= max-units, got " + std::to_string(o.minUnits) + " and " +
                              std::to_string(o.maxUnits));
    if (o.holeRatio) {
        const auto& r = *o.holeRatio;
        if (!(r.low >= 0.0 && r.high <= 1.0 && r.low <= r.high))
            throw InvalidArgument("hole ratio range must satisfy 0 <= low <= high <= 1");
    }
}

// The seed's recipe: a count in [min, max] for each shape kind, drawn in its order.
GeneratedMask drawByUnits(const MaskGeneratorOptions& o, ShapePainter& painter) {
    GeneratedMask result;
    result.holes = cv::Mat::zeros(o.height, o.width, CV_8UC1);
    const int lines = painter.uniform(o.minUnits, o.maxUnits);
    const int circles = painter.uniform(o.minUnits, o.maxUnits);
    const int rectangles = painter.uniform(o.minUnits, o.maxUnits);
    const int ellipses = painter.uniform(o.minUnits, o.maxUnits);
    for (int i = 0; i < lines; ++i) painter.draw(result.holes, Shape::Line);
    for (int i = 0; i < rectangles; ++i) painter.draw(result.holes, Shape::Rectangle);
    for (int i = 0; i < ellipses; ++i) painter.draw(result.holes, Shape::Ellipse);
    for (int i = 0; i < circles; ++i) painter.draw(result.holes, Shape::Circle);
    result.lines = lines;
    result.rectangles = rectangles;
    result.ellipses = ellipses;
    result.circles = circles;
    return result;
}

// Adds random shapes until the ratio reaches the range; a shape that would
// overshoot it is undone and another one is tried.
GeneratedMask drawToRatio(const MaskGeneratorOptions& o, ShapePainter& painter) {
    const HoleRatioRange range = *o.holeRatio;
    GeneratedMask result;
    result.holes = cv::Mat::zeros(o.height, o.width, CV_8UC1);
    const double total = static_cast<double>(o.width) * o.height;
    cv::Mat candidate;
    constexpr int kMaxAttempts = 20000;
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        if (cv::countNonZero(result.holes) / total >= range.low) return result;
        const auto shape = static_cast<Shape>(painter.uniform(0, 3));
        result.holes.copyTo(candidate);
        painter.draw(candidate, shape);
        if (cv::countNonZero(candidate) / total <= range.high) {
            std::swap(result.holes, candidate);
            count(result, shape);
        }
    }
    throw InvalidArgument("could not reach a hole ratio in [" + std::to_string(range.low) + ", " + std::to_string(range.high) +
                          "] at " + std::to_string(o.width) + "x" + std::to_string(o.height) + " (range too narrow for the shapes)");
}

} // namespace

GeneratedMask generateMask(const MaskGeneratorOptions& options, std::uint64_t seed) {
    validate(options);
    ShapePainter painter(options.width, options.height, seed);
    return options.holeRatio ? drawToRatio(options, painter) : drawByUnits(options, painter);
}

GeneratedMask generateMaskAcrossRange(MaskGeneratorOptions options, std::mt19937_64& rng) {
    if (options.holeRatio) {
        const double low = options.holeRatio->low, high = options.holeRatio->high;
        const double window = std::max(0.02, (high - low) / 10.0);
        if (high - low > window) {
            const double target = std::uniform_real_distribution<double>(low, high - window)(rng);
            options.holeRatio = HoleRatioRange{target, std::min(high, target + window)};
        }
    }
    return generateMask(options, rng());
}

double holeRatio(const cv::Mat& holes) {
    if (holes.empty()) return 0.0;
    return static_cast<double>(cv::countNonZero(holes)) / static_cast<double>(holes.total());
}

HoleRatioRange parseHoleRatioRange(const std::string& text) {
    const auto colon = text.find(':');
    if (colon == std::string::npos) throw InvalidArgument("hole ratio range '" + text + "' must look like LO:HI, e.g. 0.1:0.2");
    HoleRatioRange range;
    try {
        std::size_t usedLow = 0, usedHigh = 0;
        const std::string lowText = text.substr(0, colon), highText = text.substr(colon + 1);
        range.low = std::stod(lowText, &usedLow);
        range.high = std::stod(highText, &usedHigh);
        if (usedLow != lowText.size() || usedHigh != highText.size()) throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
        throw InvalidArgument("hole ratio range '" + text + "' must look like LO:HI with numbers, e.g. 0.1:0.2");
    }
    if (!(range.low >= 0.0 && range.high <= 1.0 && range.low <= range.high))
        throw InvalidArgument("hole ratio range '" + text + "' must satisfy 0 <= LO <= HI <= 1");
    if (range.low >= 1.0)
        throw InvalidArgument("hole ratio range '" + text + "' asks for masks that are all hole, which leave nothing to fill from: keep LO below 1");
    return range;
}

} // namespace pconv
