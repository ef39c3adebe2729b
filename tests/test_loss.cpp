// Each term of the paper's loss against values worked out by hand on tiny tensors.
#include "pconv/errors.h"
#include "pconv/metrics.h"
#include "pconv/model.h"
#include "pconv/nn/inpainting_loss.h"
#include "pconv/nn/tensor_image.h"

#include <opencv2/core.hpp>

#include <torch/serialize.h>
#include <torch/torch.h>

#include <QtTest>

#include <fstream>

using namespace pconv;
using namespace pconv::nn;

namespace {

torch::Tensor toTensor01(const cv::Mat& bgr8) { return rgbFloatToTensor(toRgbFloat(bgr8)); }

// A torch.save()-compatible state_dict with random VGG16 conv weights.
void writeRandomVgg(const QString& path, bool dropOne = false, bool wrongShape = false) {
    c10::Dict<std::string, torch::Tensor> dict;
    const std::pair<int64_t, int64_t> channels[] = {{3, 64}, {64, 64}, {64, 128}, {128, 128}, {128, 256}, {256, 256}, {256, 256}};
    for (size_t i = 0; i < 7; ++i) {
        const int index = Vgg16FeaturesImpl::torchvisionIndices()[i];
        if (dropOne && i == 3) continue;
        const int64_t in = (wrongShape && i == 0) ? 4 : channels[i].first;
        dict.insert(std::to_string(index) + ".weight", torch::randn({channels[i].second, in, 3, 3}) * 0.05);
        dict.insert(std::to_string(index) + ".bias", torch::zeros({channels[i].second}));
    }
    const auto bytes = torch::pickle_save(c10::IValue(dict));
    std::ofstream(path.toStdString(), std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

} // namespace

class TestLoss : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

private Q_SLOTS:
    void initTestCase() { torch::manual_seed(3); }

    void validAndHoleL1() {
        const auto output = torch::tensor({0.5f, 0.2f, 0.9f, 0.1f}).view({1, 1, 2, 2});
        const auto target = torch::zeros({1, 1, 2, 2});
        const auto valid = torch::tensor({1.f, 0.f, 1.f, 1.f}).view({1, 1, 2, 2});
        // Both divide by all 4 elements (the paper's N_Igt).
        QCOMPARE(maskedL1(output, target, valid).item<float>(), (0.5f + 0.9f + 0.1f) / 4);
        QCOMPARE(maskedL1(output, target, 1 - valid).item<float>(), 0.2f / 4);
    }

    void gram() {
        const auto features = torch::tensor({1.f, 2.f, 3.f, 4.f}).view({1, 2, 1, 2});
        // F F^T = [[5, 11], [11, 25]], divided by C*H*W = 4.
        const auto expected = torch::tensor({1.25f, 2.75f, 2.75f, 6.25f}).view({1, 2, 2});
        QVERIFY(torch::allclose(gramMatrix(features), expected));
    }

    void totalVariationOverDilatedHoles() {
        const auto image = torch::arange(9, torch::kFloat32).view({1, 1, 3, 3});
        auto valid = torch::ones({1, 1, 3, 3});
        valid[0][0][1][1] = 0;  // centre hole: its dilation P covers all 9 pixels
        // 6 horizontal pairs differ by 1, 6 vertical pairs by 3: 24 / 9 elements.
        QCOMPARE(holeTotalVariation(image, valid).item<float>(), 24.f / 9);
        valid.fill_(1);
        valid[0][0][0][0] = 0;  // corner hole: P = the top-left 2x2 block
        QCOMPARE(holeTotalVariation(image, valid).item<float>(), (1.f + 1.f + 3.f + 3.f) / 9);
        valid.fill_(1);
        QCOMPARE(holeTotalVariation(image, valid).item<float>(), 0.f);
    }

    void totalIsWeightedSumWithoutVgg() {
        const auto output = torch::rand({2, 3, 8, 8}), target = torch::rand({2, 3, 8, 8});
        const auto valid = (torch::rand({2, 1, 8, 8}) > 0.3).to(torch::kFloat32);
        const InpaintingLoss loss(LossWeights{}, nullptr);
        const auto t = loss(output, target, valid);
        QCOMPARE(t.perceptual.item<float>(), 0.f);
        QCOMPARE(t.styleOut.item<float>(), 0.f);
        const float expected = t.valid.item<float>() + 6 * t.hole.item<float>() + 0.1f * t.tv.item<float>();
        QVERIFY(std::abs(t.total.item<float>() - expected) < 1e-6);
        // TV is measured on the composite: outside P it cannot change.
        const auto comp = valid * target + (1 - valid) * output;
        QVERIFY(std::abs(t.tv.item<float>() - holeTotalVariation(comp, valid).item<float>()) < 1e-7);

        LossWeights custom;
        custom.hole = 2;
        custom.tv = 0;
        const auto c = InpaintingLoss(custom, nullptr)(output, target, valid);
        QVERIFY(std::abs(c.total.item<float>() - (c.valid.item<float>() + 2 * c.hole.item<float>())) < 1e-6);
    }

    // The optional SSIM term is 1 - the evaluation's SSIM: same windows, borders and constants.
    void ssimLossMatchesTheMetric() {
        cv::RNG rng(7);
        for (const cv::Size size : {cv::Size(32, 24), cv::Size(7, 40)}) {
            cv::Mat a(size, CV_8UC3), noise(size, CV_8UC3);
            rng.fill(a, cv::RNG::UNIFORM, 0, 256);
            rng.fill(noise, cv::RNG::NORMAL, 0, 25);
            cv::Mat b = a + noise;  // saturating: still a related image
            const auto ta = toTensor01(a), tb = toTensor01(b);
            const double expected = 1.0 - pconv::ssim(a, b);
            const double got = ssimLoss(ta, tb).item<double>();
            QVERIFY2(std::abs(got - expected) < 1e-4, qPrintable(QString("%1x%2: %3 vs %4").arg(size.width).arg(size.height).arg(got).arg(expected)));
            QVERIFY(std::abs(ssimLoss(ta, ta).item<double>()) < 1e-6);
        }
        // Below the window's radius (5 px) the border is the edge pixel repeated: still 0 for equal images.
        const auto tiny = torch::rand({1, 3, 3, 3});
        QVERIFY(std::abs(ssimLoss(tiny, tiny).item<double>()) < 1e-6);
        QVERIFY(ssimLoss(tiny, 1 - tiny).item<double>() > 0.1);
    }

    void ssimTermIsWeightedAndOnlyMovesHoles() {
        const auto target = torch::rand({1, 3, 16, 16});
        const auto output = torch::rand({1, 3, 16, 16}).requires_grad_(true);
        auto valid = torch::ones({1, 1, 16, 16});
        valid.slice(2, 4, 9).slice(3, 4, 9).zero_();
        QCOMPARE(InpaintingLoss(LossWeights{}, nullptr)(output, target, valid).ssim.item<float>(), 0.f);  // off by default

        LossWeights weights;
        weights.ssim = 3;
        const auto t = InpaintingLoss(weights, nullptr)(output, target, valid);
        const auto comp = valid * target + (1 - valid) * output;
        QVERIFY(std::abs(t.ssim.item<float>() - ssimLoss(comp, target).item<float>()) < 1e-6);
        const float expected = t.valid.item<float>() + 6 * t.hole.item<float>() + 0.1f * t.tv.item<float>() + 3 * t.ssim.item<float>();
        QVERIFY(std::abs(t.total.item<float>() - expected) < 1e-6);

        // Through the composite, the SSIM term reaches hole pixels only.
        const auto g = torch::autograd::grad({t.ssim}, {output})[0];
        QVERIFY((g * valid).abs().max().item<float>() == 0.f);
        QVERIFY((g * (1 - valid)).abs().max().item<float>() > 0.f);
    }

    void holeL2TermIsWeightedAndOnlyMovesHoles() {
        const auto target = torch::zeros({1, 3, 8, 8});
        auto valid = torch::ones({1, 1, 8, 8});
        valid.slice(2, 0, 4).zero_();  // the top half is a hole
        const auto output = torch::full({1, 3, 8, 8}, 0.5).requires_grad_(true);
        QCOMPARE(InpaintingLoss(LossWeights{}, nullptr)(output, target, valid).holeL2.item<float>(), 0.f);  // off by default

        LossWeights weights;
        weights.holeL2 = 40;
        const auto t = InpaintingLoss(weights, nullptr)(output, target, valid);
        // Half the elements are hole, each off by 0.5: 0.5 * 0.25.
        QVERIFY(std::abs(t.holeL2.item<float>() - 0.125f) < 1e-6);
        const float expected = t.valid.item<float>() + 6 * t.hole.item<float>() + 0.1f * t.tv.item<float>() + 40 * t.holeL2.item<float>();
        QVERIFY(std::abs(t.total.item<float>() - expected) < 1e-5);
        const auto g = torch::autograd::grad({t.holeL2}, {output})[0];
        QVERIFY((g * valid).abs().max().item<float>() == 0.f);
        QVERIFY(g.slice(2, 0, 4).abs().min().item<float>() > 0.f);  // every hole pixel is pulled
    }

    // The PSNR term is minus the evaluation's PSNR of each composite, averaged over the images.
    void psnrTermIsMinusTheMeanPsnrOfTheComposites() {
        torch::manual_seed(4);
        const auto target = torch::rand({2, 3, 16, 16}) * 0.5;  // room for the noise below 1: no clipping in the metric
        auto valid = torch::ones({2, 1, 16, 16});
        valid.slice(2, 4, 10).zero_();
        // The second image's fill is four times as far off: 12 dB lower.
        auto noise = torch::rand({2, 3, 16, 16}) * 0.1;
        noise[1] *= 4;
        const auto output = (target + noise).requires_grad_(true);
        QCOMPARE(InpaintingLoss(LossWeights{}, nullptr)(output, target, valid).psnr.item<float>(), 0.f);  // off by default

        LossWeights weights;
        weights.psnr = 0.02;
        const auto t = InpaintingLoss(weights, nullptr)(output, target, valid);
        double meanPsnr = 0;
        for (int i = 0; i < 2; ++i) {
            const auto composite = (valid[i] * target[i] + (1 - valid[i]) * output[i]).detach().clamp(0, 1);
            meanPsnr += psnr(rgb01ToBgr8(target[i]), rgb01ToBgr8(composite)) / 2;
        }
        QVERIFY2(std::abs(-t.psnr.item<double>() - meanPsnr) < 0.1, qPrintable(QString::number(t.psnr.item<double>()) + " vs " + QString::number(meanPsnr)));
        const float expected = t.valid.item<float>() + 6 * t.hole.item<float>() + 0.1f * t.tv.item<float>() + 0.02f * t.psnr.item<float>();
        QVERIFY(std::abs(t.total.item<float>() - expected) < 1e-5);
        // Only hole pixels are moved, and the image with the smaller error is pulled harder per unit of error.
        const auto g = torch::autograd::grad({t.psnr}, {output})[0];
        QVERIFY((g * valid).abs().max().item<float>() == 0.f);
        const auto pull = (g / noise.clamp_min(1e-6)).slice(2, 4, 10);
        QVERIFY(pull[0].mean().item<float>() > 10 * pull[1].mean().item<float>());
    }

    void perceptualAndStyleWithVgg() {
        writeRandomVgg(dir.filePath("vgg.pth"));
        Vgg16Features vgg;
        vgg->loadWeights(dir.filePath("vgg.pth").toStdString());
        const InpaintingLoss loss(LossWeights{}, vgg);
        QVERIFY(loss.usesVgg());
        const auto target = torch::rand({1, 3, 16, 16});
        auto valid = torch::ones({1, 1, 16, 16});
        valid.slice(2, 4, 12).slice(3, 4, 12).zero_();

        // A perfect output: every VGG term is exactly zero.
        const auto perfect = loss(target, target, valid);
        QCOMPARE(perfect.perceptual.item<float>(), 0.f);
        QCOMPARE(perfect.styleOut.item<float>(), 0.f);
        QCOMPARE(perfect.styleComp.item<float>(), 0.f);

        // Otherwise: sum over pool1-3 of mean |feature differences| of out and comp,
        // and mean |Gram differences|, recomputed here term by term.
        const auto output = torch::rand({1, 3, 16, 16});
        const auto terms = loss(output, target, valid);
        const auto comp = valid * target + (1 - valid) * output;
        const auto fOut = vgg->forward(output), fComp = vgg->forward(comp), fGt = vgg->forward(target);
        double perceptual = 0, styleOut = 0, styleComp = 0;
        for (size_t p = 0; p < 3; ++p) {
            perceptual += (fOut[p] - fGt[p]).abs().mean().item<double>() + (fComp[p] - fGt[p]).abs().mean().item<double>();
            styleOut += (gramMatrix(fOut[p]) - gramMatrix(fGt[p])).abs().mean().item<double>();
            styleComp += (gramMatrix(fComp[p]) - gramMatrix(fGt[p])).abs().mean().item<double>();
        }
        QVERIFY(perceptual > 0);
        QVERIFY(std::abs(terms.perceptual.item<double>() - perceptual) < 1e-6);
        QVERIFY(std::abs(terms.styleOut.item<double>() - styleOut) < 1e-6);
        QVERIFY(std::abs(terms.styleComp.item<double>() - styleComp) < 1e-6);
        // Pool sizes: 1/2, 1/4, 1/8 of the input with 64, 128, 256 channels.
        QCOMPARE(fGt[2].sizes().vec(), (std::vector<int64_t>{1, 256, 2, 2}));
        // The loss network is frozen.
        for (const auto& p : vgg->parameters()) QVERIFY(!p.requires_grad());
    }

    void badVggFiles() {
        auto expectError = [&](const QString& file, const QString& text) {
            try {
                Vgg16Features vgg;
                vgg->loadWeights(file.toStdString());
                QFAIL("no error");
            } catch (const FileError& e) {
                QVERIFY2(QString(e.what()).contains(file) && QString(e.what()).contains(text), e.what());
            }
        };
        expectError(dir.filePath("none.pth"), "no such");
        writeRandomVgg(dir.filePath("missing.pth"), true);
        expectError(dir.filePath("missing.pth"), "no tensor '7.weight'");
        writeRandomVgg(dir.filePath("shape.pth"), false, true);
        expectError(dir.filePath("shape.pth"), "wrong shape");
        std::ofstream(dir.filePath("garbage.pth").toStdString()) << "not a pickle";
        expectError(dir.filePath("garbage.pth"), "not a readable PyTorch file");
        // A model file is not VGG16 weights, and the error says what it is instead.
        PConvModel::create(ModelConfig{}, 1).save(dir.filePath("model.pconv").toStdString());
        expectError(dir.filePath("model.pconv"), "is a PConv Studio model file, not VGG16 weights");
    }
};

QTEST_GUILESS_MAIN(TestLoss)
#include "test_loss.moc"
