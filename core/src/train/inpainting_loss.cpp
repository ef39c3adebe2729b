#include "pconv/nn/inpainting_loss.h"

#include <torch/nn/functional/pooling.h>
#include <torch/utils.h>

namespace F = torch::nn::functional;

namespace pconv::nn {

torch::Tensor maskedL1(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& weight) {
    return ((a - b) * weight).abs().mean();
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
                  weights_.style * (terms.styleOut + terms.styleComp) + weights_.tv * terms.tv;
    return terms;
}

} // namespace pconv::nn
