// PartialConv2d against a naive per-window loop of the paper's formula.
#include "pconv/nn/partial_conv.h"

#include <QtTest>
#include <torch/torch.h>

using pconv::nn::PartialConv2d;
using pconv::nn::PartialConv2dOptions;

namespace {

// y = W^T (X ⊙ M) · sum(1)/sum(M) + b where sum(M) > 0, else 0, written out with
// loops over every output pixel, channel and window position. `channelMask` is
// the full per-channel mask [N, C, H, W]; zero padding outside the image.
std::pair<torch::Tensor, torch::Tensor> naivePartialConv(const torch::Tensor& x, const torch::Tensor& channelMask,
                                                          const torch::Tensor& weight, const torch::Tensor& bias, int stride) {
    const int64_t n = x.size(0), cin = x.size(1), h = x.size(2), w = x.size(3);
    const int64_t cout = weight.size(0), k = weight.size(2), pad = k / 2;
    const int64_t oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
    auto out = torch::zeros({n, cout, oh, ow}, torch::kFloat64);
    auto newMask = torch::zeros({n, 1, oh, ow}, torch::kFloat64);
    const auto x64 = x.to(torch::kFloat64), m64 = channelMask.to(torch::kFloat64).contiguous();
    const auto w64 = weight.to(torch::kFloat64), b64 = bias.to(torch::kFloat64);
    auto X = x64.accessor<double, 4>();
    auto M = m64.accessor<double, 4>();
    auto Wt = w64.accessor<double, 4>();
    auto B = b64.accessor<double, 1>();
    auto O = out.accessor<double, 4>();
    auto NM = newMask.accessor<double, 4>();
    const double windowSize = static_cast<double>(cin * k * k);
    for (int64_t b = 0; b < n; ++b)
        for (int64_t oy = 0; oy < oh; ++oy)
            for (int64_t ox = 0; ox < ow; ++ox) {
                double maskSum = 0;
                for (int64_t c = 0; c < cin; ++c)
                    for (int64_t ky = 0; ky < k; ++ky)
                        for (int64_t kx = 0; kx < k; ++kx) {
                            const int64_t y = oy * stride + ky - pad, xx = ox * stride + kx - pad;
                            if (y >= 0 && y < h && xx >= 0 && xx < w) maskSum += M[b][c][y][xx];
                        }
                if (maskSum <= 0) continue;
                NM[b][0][oy][ox] = 1.0;
                for (int64_t o = 0; o < cout; ++o) {
                    double acc = 0;
                    for (int64_t c = 0; c < cin; ++c)
                        for (int64_t ky = 0; ky < k; ++ky)
                            for (int64_t kx = 0; kx < k; ++kx) {
                                const int64_t y = oy * stride + ky - pad, xx = ox * stride + kx - pad;
                                if (y >= 0 && y < h && xx >= 0 && xx < w) acc += Wt[o][c][ky][kx] * X[b][c][y][xx] * M[b][c][y][xx];
                            }
                    O[b][o][oy][ox] = acc * windowSize / maskSum + B[o];
                }
            }
    return {out, newMask};
}

torch::Tensor randomBinaryMask(std::vector<int64_t> shape, double holeFraction) {
    return (torch::rand(shape) >= holeFraction).to(torch::kFloat32);
}

} // namespace

class TestPartialConv : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(1234); }

    void matchesNaiveLoops_data() {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("stride");
        QTest::addColumn<double>("holeFraction");
        for (int kernel : {3, 5, 7})
            for (int stride : {1, 2})
                for (double hole : {0.3, 0.8})
                    QTest::addRow("k%d_s%d_hole%.1f", kernel, stride, hole) << kernel << stride << hole;
    }
    void matchesNaiveLoops() {
        QFETCH(int, kernel);
        QFETCH(int, stride);
        QFETCH(double, holeFraction);
        PartialConv2d layer(PartialConv2dOptions(3, 4, kernel).stride(stride));
        const auto x = torch::randn({2, 3, 11, 9});
        const auto mask = randomBinaryMask({2, 1, 11, 9}, holeFraction);
        const auto [out, newMask] = layer->forward(x, mask);
        const auto [expected, expectedMask] =
            naivePartialConv(x, mask.expand({2, 3, 11, 9}), layer->conv->weight.detach(), layer->bias.detach(), stride);
        QCOMPARE(out.sizes().vec(), expected.sizes().vec());
        const double maxError = (out.to(torch::kFloat64) - expected).abs().max().item<double>();
        QVERIFY2(maxError < 1e-5, qPrintable(QString("max error %1").arg(maxError)));
        QVERIFY(torch::equal(newMask.to(torch::kFloat64), expectedMask));
    }

    // Decoder layers carry one mask per channel group (upsampled | skip).
    void maskGroupsMatchNaiveLoops() {
        PartialConv2d layer(PartialConv2dOptions(5, 3, 3).mask_groups({2, 3}));
        const auto x = torch::randn({1, 5, 8, 10});
        const auto groupMasks = randomBinaryMask({1, 2, 8, 10}, 0.6);
        const auto channelMask =
            torch::cat({groupMasks.narrow(1, 0, 1).expand({1, 2, 8, 10}), groupMasks.narrow(1, 1, 1).expand({1, 3, 8, 10})}, 1);
        const auto [out, newMask] = layer->forward(x, groupMasks);
        const auto [expected, expectedMask] = naivePartialConv(x, channelMask, layer->conv->weight.detach(), layer->bias.detach(), 1);
        QVERIFY((out.to(torch::kFloat64) - expected).abs().max().item<double>() < 1e-5);
        QVERIFY(torch::equal(newMask.to(torch::kFloat64), expectedMask));
    }

    // Scaling groups separately: the sum of one partial conv per group, each over
    // its own channels and mask, plus the bias once.
    void separateGroupScalingIsASumOfPerGroupLayers() {
        PartialConv2d layer(PartialConv2dOptions(5, 3, 3).mask_groups({2, 3}).scale_groups_separately(true));
        const auto x = torch::randn({1, 5, 8, 10});
        const auto groupMasks = randomBinaryMask({1, 2, 8, 10}, 0.5);
        const auto [out, newMask] = layer->forward(x, groupMasks);
        const auto weight = layer->conv->weight.detach();
        const auto noBias = torch::zeros({3});
        auto expected = layer->bias.detach().to(torch::kFloat64).view({1, -1, 1, 1}).expand({1, 3, 8, 10}).clone();
        torch::Tensor expectedMask;
        int64_t offset = 0;
        const std::vector<int64_t> groupChannels{2, 3};
        for (int64_t g = 0; g < 2; ++g) {
            const int64_t channels = groupChannels[static_cast<size_t>(g)];
            const auto groupMask = groupMasks.narrow(1, g, 1).expand({1, channels, 8, 10});
            const auto [part, partMask] = naivePartialConv(x.narrow(1, offset, channels), groupMask, weight.narrow(1, offset, channels), noBias, 1);
            expected += part;
            expectedMask = expectedMask.defined() ? torch::max(expectedMask, partMask) : partMask;
            offset += channels;
        }
        expected *= expectedMask;  // nothing valid in any group: 0
        const double diff = (out.to(torch::kFloat64) - expected).abs().max().item<double>();
        QVERIFY2(diff < 1e-5, qPrintable(QString("max difference %1").arg(diff)));
        QVERIFY(torch::equal(newMask.to(torch::kFloat64), expectedMask));
    }

    // A fully valid window must equal a plain convolution (the popular port's
    // division by sum(M) alone gives conv / 9 here).
    void fullyValidEqualsPlainConv() {
        PartialConv2d layer(PartialConv2dOptions(2, 3, 3));
        const auto x = torch::randn({1, 2, 6, 6});
        const auto mask = torch::ones({1, 1, 6, 6});
        const auto [out, newMask] = layer->forward(x, mask);
        const auto plain = torch::conv2d(x, layer->conv->weight, layer->bias, 1, 1);
        // Interior pixels see a full window; compare them.
        const auto inner = (out - plain).slice(2, 1, 5).slice(3, 1, 5).abs().max().item<double>();
        QVERIFY2(inner < 1e-5, qPrintable(QString("interior differs by %1").arg(inner)));
        // Border windows see zero padding as holes: they are rescaled, not equal.
        QVERIFY((out - plain).select(2, 0).abs().max().item<double>() > 1e-4);
    }

    void maskUpdateAndZeroWhereNothingValid() {
        PartialConv2d layer(PartialConv2dOptions(1, 2, 3));
        auto mask = torch::zeros({1, 1, 9, 9});
        mask[0][0][4][4] = 1.0;  // one valid pixel
        const auto [out, newMask] = layer->forward(torch::randn({1, 1, 9, 9}), mask);
        // The valid pixel's 3x3 neighbourhood becomes valid, nothing else.
        auto expected = torch::zeros({1, 1, 9, 9});
        expected.slice(2, 3, 6).slice(3, 3, 6).fill_(1.0);
        QVERIFY(torch::equal(newMask, expected));
        QCOMPARE(out.masked_select(expected.expand_as(out) == 0).abs().max().item<double>(), 0.0);
        QVERIFY(torch::equal(layer->updateMask(mask), expected));
    }

    void holeContentDoesNotMatter() {
        PartialConv2d layer(PartialConv2dOptions(3, 4, 5).stride(2));
        const auto mask = randomBinaryMask({1, 1, 16, 16}, 0.5);
        const auto a = torch::randn({1, 3, 16, 16});
        const auto b = a * mask + torch::randn({1, 3, 16, 16}) * 100 * (1 - mask);
        QVERIFY(torch::allclose(layer->forward(a, mask).first, layer->forward(b, mask).first, 1e-5, 1e-5));
    }

    void gradientReachesWeightsNotMask() {
        PartialConv2d layer(PartialConv2dOptions(3, 4, 3));
        auto mask = randomBinaryMask({1, 1, 8, 8}, 0.4).requires_grad_(true);
        const auto out = layer->forward(torch::randn({1, 3, 8, 8}), mask);
        out.first.sum().backward();
        QVERIFY(layer->conv->weight.grad().defined());
        QVERIFY(layer->conv->weight.grad().abs().sum().item<double>() > 0);
        QVERIFY(!out.second.requires_grad());
    }

    void rejectsWrongMaskShape() {
        PartialConv2d layer(PartialConv2dOptions(3, 4, 3));
        QVERIFY_THROWS_EXCEPTION(c10::Error, layer->forward(torch::randn({1, 3, 8, 8}), torch::ones({1, 2, 8, 8})));
    }
};

QTEST_GUILESS_MAIN(TestPartialConv)
#include "test_partial_conv.moc"
