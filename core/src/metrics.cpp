#include "pconv/metrics.h"

#include "pconv/errors.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <limits>

namespace pconv {
namespace {

void checkPair(const cv::Mat& a, const cv::Mat& b) {
    if (a.empty() || a.size() != b.size() || a.type() != b.type())
        throw InvalidArgument("metrics need two non-empty images of the same size and type");
    if (a.depth() != CV_8U) throw InvalidArgument("metrics need 8-bit images");
}

// SSIM of one 8-bit channel, averaged over its pixels.
double ssimPlane(const cv::Mat& a, const cv::Mat& b) {
    const double c1 = std::pow(0.01 * 255, 2), c2 = std::pow(0.03 * 255, 2);
    cv::Mat x, y;
    a.convertTo(x, CV_64F);
    b.convertTo(y, CV_64F);
    auto blur = [](const cv::Mat& m) {
        cv::Mat out;
        cv::GaussianBlur(m, out, {11, 11}, 1.5, 1.5, cv::BORDER_REFLECT);
        return out;
    };
    const cv::Mat muX = blur(x), muY = blur(y);
    const cv::Mat muX2 = muX.mul(muX), muY2 = muY.mul(muY), muXY = muX.mul(muY);
    const cv::Mat sigmaX2 = blur(x.mul(x)) - muX2, sigmaY2 = blur(y.mul(y)) - muY2, sigmaXY = blur(x.mul(y)) - muXY;
    const cv::Mat numerator = (2 * muXY + c1).mul(2 * sigmaXY + c2);
    const cv::Mat denominator = (muX2 + muY2 + c1).mul(sigmaX2 + sigmaY2 + c2);
    cv::Mat map;
    cv::divide(numerator, denominator, map);
    return cv::mean(map)[0];
}

} // namespace

double meanAbsoluteErrorPercent(const cv::Mat& a, const cv::Mat& b) {
    checkPair(a, b);
    return 100.0 * cv::norm(a, b, cv::NORM_L1) / (static_cast<double>(a.total()) * a.channels() * 255.0);
}

double psnr(const cv::Mat& a, const cv::Mat& b) {
    checkPair(a, b);
    const double l2 = cv::norm(a, b, cv::NORM_L2SQR);
    const double mse = l2 / (static_cast<double>(a.total()) * a.channels());
    if (mse == 0) return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(255.0 * 255.0 / mse);
}

double ssim(const cv::Mat& a, const cv::Mat& b) {
    checkPair(a, b);
    std::vector<cv::Mat> planesA, planesB;
    cv::split(a, planesA);
    cv::split(b, planesB);
    double sum = 0;
    for (size_t c = 0; c < planesA.size(); ++c) sum += ssimPlane(planesA[c], planesB[c]);
    return sum / static_cast<double>(planesA.size());
}

} // namespace pconv
