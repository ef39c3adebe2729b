#pragma once
// Random irregular hole masks, after the seed project's generator: random lines,
// rectangles, ellipses and circles with thick strokes. At 512x512 the strokes
// are 10-30 px thick; every length scales with min(width, height) / 512.
#include <opencv2/core.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace pconv {

struct HoleRatioRange {
    double low = 0.0;   // fraction of pixels that are holes, inclusive
    double high = 1.0;  // inclusive
};

struct MaskGeneratorOptions {
    int width = 512;
    int height = 512;
    // Each shape kind is drawn a number of times chosen uniformly in [minUnits, maxUnits].
    int minUnits = 5;
    int maxUnits = 12;
    // When set, shapes are added one by one (a shape that would overshoot the
    // range is redrawn) until the hole ratio lies inside the range; the unit
    // counts then follow from the target instead of [minUnits, maxUnits].
    std::optional<HoleRatioRange> holeRatio;
};

struct GeneratedMask {
    cv::Mat holes;  // CV_8UC1, 255 = hole, 0 = valid
    int lines = 0;
    int rectangles = 0;
    int ellipses = 0;
    int circles = 0;
};

// Deterministic: the same options and seed give the same mask.
// Throws InvalidArgument for bad sizes, unit ranges or ratio ranges.
GeneratedMask generateMask(const MaskGeneratorOptions& options, std::uint64_t seed);

// As generateMask, but a hole-ratio range is a spread, not a threshold: the target ratio is
// drawn uniformly across the range and shapes are added into a narrow window at it
// (max(0.02, width / 10)). generateMask stops as soon as the ratio reaches the range, so
// 0.01-0.6 would give masks of 1-6 % holes. Without a range, generateMask(options, rng()).
GeneratedMask generateMaskAcrossRange(MaskGeneratorOptions options, std::mt19937_64& rng);

// Fraction of non-zero pixels in a CV_8UC1 mask.
double holeRatio(const cv::Mat& holes);

// Parses "LO:HI" (fractions in [0, 1], LO <= HI); throws InvalidArgument.
HoleRatioRange parseHoleRatioRange(const std::string& text);

} // namespace pconv
