#include "pconv/nn/inpainting_loss.h"

#include <torch/nn/functional/conv.h>
#include <torch/nn/functional/pooling.h>
#include <torch/utils.h>

#include <cmath>

namespace F = torch::nn::functional;

namespace pconv::nn {

torch::Tensor maskedL1(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& weight) {
    return ((a - b) * weight).abs().mean();
}

torch::Tensor maskedL2(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& weight) {
    return ((a - b) * weight).square().mean();
}

torch::Tensor negativePsnr(const torch::Tensor& image, const torch::Tensor& target) {
    const auto mse = (image - target).square().mean({1, 2, 3});
    return (10.0 / std::log(10.0)) * torch::log(mse.clamp_min(1e-10)).mean();
}

torch::Tensor gramMatrix(const torch::Tensor& features) {
    const int64_t n = features.size(0), c = features.size(1), hw = features.size(2) * features.size(3);
    const auto flat = features.reshape({n, c, hw});
    return torch::bmm(flat, flat.transpose(1, 2)) / static_cast<double>(c * hw);
}

torch::Tensor holeTotalVariation(const torch::Tensor& image, const torch::Tensor& valid) {
    torch::Tensor region;
    {
        torch::NoGradGuard noGrad;
        // P: holes dilated by one pixel (3x3 max over the hole indicator).
        region = F::max_pool2d(1.0 - valid, F::MaxPool2dFuncOptions(3).stride(1).padding(1));
    }
    const auto horizontalPairs = region.narrow(3, 1, region.size(3) - 1) * region.narrow(3, 0, region.size(3) - 1);
    const auto verticalPairs = region.narrow(2, 1, region.size(2) - 1) * region.narrow(2, 0, region.size(2) - 1);
    const auto dx = (image.narrow(3, 1, image.size(3) - 1) - image.narrow(3, 0, image.size(3) - 1)).abs() * horizontalPairs;
    const auto dy = (image.narrow(2, 1, image.size(2) - 1) - image.narrow(2, 0, image.size(2) - 1)).abs() * verticalPairs;
    return (dx.sum() + dy.sum()) / static_cast<double>(image.numel());
}

namespace {

constexpr int kSsimWindow = 11;
constexpr double kSsimSigma = 1.5;

// Mirrors `radius` pixels on both sides of dimension `dim`, edge pixel repeated
// (OpenCV's BORDER_REFLECT, which the SSIM metric's blur uses).
torch::Tensor mirrorPad(const torch::Tensor& x, int64_t dim, int64_t radius) {
    const int64_t size = x.size(dim);
    if (size < radius) {  // tiny images: the edge pixel repeated
        std::vector<int64_t> repeats(static_cast<size_t>(x.dim()), 1);
        repeats[static_cast<size_t>(dim)] = radius;
        return torch::cat({x.narrow(dim, 0, 1).repeat(repeats), x, x.narrow(dim, size - 1, 1).repeat(repeats)}, dim);
    }
    return torch::cat({x.narrow(dim, 0, radius).flip({dim}), x, x.narrow(dim, size - radius, radius).flip({dim})}, dim);
}

// Separable Gaussian blur of every channel on its own (one pair of grouped convolutions).
torch::Tensor gaussianBlur(const torch::Tensor& x) {
    auto taps = torch::arange(kSsimWindow, x.options()) - (kSsimWindow / 2);
    taps = torch::exp(-(taps * taps) / (2 * kSsimSigma * kSsimSigma));
    taps = taps / taps.sum();
    const int64_t channels = x.size(1), radius = kSsimWindow / 2;
    const auto rows = taps.view({1, 1, 1, kSsimWindow}).expand({channels, 1, 1, kSsimWindow}).contiguous();
    const auto cols = taps.view({1, 1, kSsimWindow, 1}).expand({channels, 1, kSsimWindow, 1}).contiguous();
    const auto along = F::conv2d(mirrorPad(x, 3, radius), rows, F::Conv2dFuncOptions().groups(channels));
    return F::conv2d(mirrorPad(along, 2, radius), cols, F::Conv2dFuncOptions().groups(channels));
}

} // namespace

torch::Tensor ssimLoss(const torch::Tensor& image, const torch::Tensor& target) {
    const double c1 = std::pow(0.01, 2), c2 = std::pow(0.03, 2);
    // The five local means in one blur: x, y, x^2, y^2, xy stacked along the channels.
    const auto means = gaussianBlur(torch::cat({image, target, image * image, target * target, image * target}, 1)).chunk(5, 1);
    const auto &muX = means[0], &muY = means[1];
    const auto muX2 = muX * muX, muY2 = muY * muY, muXY = muX * muY;
    const auto sigmaX2 = means[2] - muX2, sigmaY2 = means[3] - muY2, sigmaXY = means[4] - muXY;
    const auto map = ((2 * muXY + c1) * (2 * sigmaXY + c2)) / ((muX2 + muY2 + c1) * (sigmaX2 + sigmaY2 + c2));
    return 1.0 - map.mean();
}

InpaintingLoss::InpaintingLoss(LossWeights weights, Vgg16Features vgg) : weights_(weights), vgg_(std::move(vgg)) {}

LossTerms InpaintingLoss::operator()(const torch::Tensor& output, const torch::Tensor& target, const torch::Tensor& valid) const {
    LossTerms terms;
    const auto hole = 1.0 - valid;
    const auto composite = valid * target + hole * output;
    terms.valid = maskedL1(output, target, valid);
    terms.hole = maskedL1(output, target, hole);
    terms.tv = holeTotalVariation(composite, valid);

    const auto zero = torch::zeros({}, output.options());
    terms.perceptual = terms.styleOut = terms.styleComp = zero;
    terms.ssim = weights_.ssim != 0 ? ssimLoss(composite, target) : zero;
    terms.holeL2 = weights_.holeL2 != 0 ? maskedL2(output, target, hole) : zero;
    terms.psnr = weights_.psnr != 0 ? negativePsnr(composite, target) : zero;
    if (usesVgg() && (weights_.perceptual != 0 || weights_.style != 0)) {
        std::vector<torch::Tensor> targetFeatures;
        {
            torch::NoGradGuard noGrad;
            targetFeatures = vgg_->forward(target);
        }
        const auto outFeatures = vgg_->forward(output), compFeatures = vgg_->forward(composite);
        for (size_t p = 0; p < targetFeatures.size(); ++p) {
            terms.perceptual = terms.perceptual + (outFeatures[p] - targetFeatures[p]).abs().mean() +
                               (compFeatures[p] - targetFeatures[p]).abs().mean();
            const auto targetGram = gramMatrix(targetFeatures[p]);
            terms.styleOut = terms.styleOut + (gramMatrix(outFeatures[p]) - targetGram).abs().mean();
            terms.styleComp = terms.styleComp + (gramMatrix(compFeatures[p]) - targetGram).abs().mean();
        }
    }
    terms.total = weights_.valid * terms.valid + weights_.hole * terms.hole + weights_.perceptual * terms.perceptual +
                  weights_.style * (terms.styleOut + terms.styleComp) + weights_.tv * terms.tv +
                  weights_.ssim * terms.ssim + weights_.holeL2 * terms.holeL2 + weights_.psnr * terms.psnr;
    return terms;
}

} // namespace pconv::nn
