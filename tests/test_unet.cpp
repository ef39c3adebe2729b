// The PConv U-Net: the paper's size, shapes for several depths, and the property
// that hole pixels of the input cannot influence the output.
#include "pconv/cancellation.h"
#include "pconv/errors.h"
#include "pconv/nn/module_io.h"
#include "pconv/nn/network_widening.h"
#include "pconv/nn/pconv_unet.h"

#include <QtTest>
#include <torch/torch.h>

using pconv::ModelConfig;
using pconv::NormKind;
using pconv::nn::PConvUNet;

class TestUNet : public QObject {
    Q_OBJECT
    // The paper's layout, with a full-resolution stem feeding the last decoder
    // layer, and with that plus skips scaled separately.
    static ModelConfig tinyConfig(int fullResChannels) {
        ModelConfig config;
        config.depth = 3;
        config.width = 4;
        config.fullResChannels = fullResChannels;
        return config;
    }
    static void stemColumn() {
        QTest::addColumn<int>("fullResChannels");
        QTest::addColumn<bool>("scaleSkipsSeparately");
        QTest::newRow("paper") << 0 << false;
        QTest::newRow("stem") << 6 << false;
        QTest::newRow("stem_separate_scaling") << 6 << true;
    }

private Q_SLOTS:
    void initTestCase() { torch::manual_seed(7); }

    // The paper's 8-level, width-64 net has 32.9 M parameters.
    void paperParameterCount() {
        PConvUNet net(ModelConfig::paper());
        const auto count = pconv::nn::parameterCount(*net);
        QVERIFY2(count > 32'850'000 && count < 32'950'000, qPrintable(QString("got %1 parameters").arg(count)));
    }

    void outputShape_data() {
        QTest::addColumn<int>("depth");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("norm");
        QTest::newRow("depth3_batch") << 3 << 8 << int(NormKind::Batch);
        QTest::newRow("depth5_instance") << 5 << 4 << int(NormKind::Instance);
        QTest::newRow("depth4_none") << 4 << 6 << int(NormKind::None);
        QTest::newRow("depth3_stem") << 3 << 8 << int(NormKind::Batch);
    }
    void outputShape() {
        QFETCH(int, depth);
        QFETCH(int, width);
        QFETCH(int, norm);
        ModelConfig config;
        config.depth = depth;
        config.width = width;
        config.norm = static_cast<NormKind>(norm);
        if (QByteArray(QTest::currentDataTag()).endsWith("stem")) config.fullResChannels = 5;
        PConvUNet net(config);
        net->eval();
        const int64_t h = 2 * config.sizeMultiple(), w = 3 * config.sizeMultiple();
        const auto out = net->forward(torch::randn({2, 3, h, w}), torch::ones({2, 1, h, w}));
        QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{2, 3, h, w}));
        QVERIFY(torch::isfinite(out).all().item<bool>());
    }

    void holePixelsDoNotInfluenceOutput_data() { stemColumn(); }
    void holePixelsDoNotInfluenceOutput() {
        QFETCH(int, fullResChannels);
        QFETCH(bool, scaleSkipsSeparately);
        ModelConfig config;
        config.depth = 4;
        config.width = 8;
        config.fullResChannels = fullResChannels;
        config.scaleSkipsSeparately = scaleSkipsSeparately;
        PConvUNet net(config);
        net->eval();
        torch::NoGradGuard noGrad;
        auto mask = torch::ones({1, 1, 64, 64});
        mask.slice(2, 10, 40).slice(3, 20, 50).zero_();
        const auto image = torch::randn({1, 3, 64, 64});
        const auto garbage = image * mask + torch::randn({1, 3, 64, 64}) * 50 * (1 - mask);
        const auto a = net->forward(image, mask), b = net->forward(garbage, mask);
        QVERIFY2(torch::allclose(a, b, 1e-4, 1e-4), qPrintable(QString("max diff %1").arg((a - b).abs().max().item<double>())));
    }

    // Inference skips work (in-place updates, no zeroing of outputs that are
    // re-masked anyway); it must give what the straightforward training path gives.
    void inferencePathMatchesTrainingPath_data() { stemColumn(); }
    void inferencePathMatchesTrainingPath() {
        QFETCH(int, fullResChannels);
        QFETCH(bool, scaleSkipsSeparately);
        ModelConfig config;
        config.depth = 4;
        config.width = 8;
        config.fullResChannels = fullResChannels;
        config.scaleSkipsSeparately = scaleSkipsSeparately;
        config.norm = NormKind::None;  // train and eval modes differ only in the fast path then
        PConvUNet net(config);
        auto mask = torch::ones({2, 1, 64, 64});
        mask.slice(2, 0, 48).slice(3, 0, 56).zero_();  // big enough to leave deep levels partly invalid
        mask[1].slice(1, 50, 64).zero_();
        const auto image = torch::randn({2, 3, 64, 64});
        net->train();
        const auto reference = net->forward(image, mask);
        net->eval();
        torch::Tensor fast;
        {
            c10::InferenceMode inference;
            fast = net->forward(image, mask);
        }
        const double diff = (reference - fast).abs().max().item<double>();
        QVERIFY2(diff < 1e-5, qPrintable(QString("max difference %1").arg(diff)));
    }

    // The stem changes the last layer's input width and adds only its own weights.
    void stemAddsItsWeights() {
        PConvUNet plain(tinyConfig(0)), stem(tinyConfig(6));
        const int64_t added = 6 * 3 * 5 * 5 + 6 + 3 * (6 - 3) * 3 * 3;  // stem conv + bias, wider dec1
        QCOMPARE(pconv::nn::parameterCount(*stem) - pconv::nn::parameterCount(*plain), added);
        QCOMPARE(stem->skipChannelsAtFullResolution(), int64_t{6});
    }

    // Warm start: a grown net keeps every weight that still fits, so the layers
    // it shares with the old net compute the same thing.
    void copyOverlappingWeightsKeepsSharedLayers() {
        PConvUNet from(tinyConfig(0)), to(tinyConfig(6));
        const auto partial = pconv::nn::copyOverlappingWeights(*from, *to);
        QCOMPARE(partial, (std::vector<std::string>{"stem.bias", "stem.conv.weight", "dec1.conv.weight"}));
        const auto targets = to->named_parameters();
        for (const auto& item : from->named_parameters()) {
            const auto& target = targets[item.key()];
            if (item.key() == "dec1.conv.weight") {
                QVERIFY(torch::equal(target.narrow(1, 0, 4), item.value().narrow(1, 0, 4)));  // the upsampled part
            } else {
                QVERIFY2(torch::equal(target, item.value()), qPrintable(QString::fromStdString(item.key())));
            }
        }
    }

    // Widening (Net2Net): the wider net computes what the narrow one did, so
    // fine-tuning it starts from the trained model, not from scratch. Exact with
    // each skip scaled by its own coverage; with one ratio over the last
    // decoder layer's concatenation, exact where both inputs are all valid.
    void widenedNetworkComputesTheSame() {
        QFETCH(int, fullResChannels);
        QFETCH(bool, scaleSkipsSeparately);
        ModelConfig narrowConfig = tinyConfig(fullResChannels);
        narrowConfig.scaleSkipsSeparately = scaleSkipsSeparately;
        ModelConfig wideConfig = narrowConfig;
        wideConfig.width = 7;
        PConvUNet narrow(narrowConfig), wide(wideConfig);
        {
            torch::NoGradGuard noGrad;  // BatchNorm statistics other than the initial ones
            for (int i = 0; i < 3; ++i) narrow->forward(torch::randn({2, 3, 32, 32}) * 2 + 0.5, torch::ones({2, 1, 32, 32}));
        }
        const auto partial = pconv::nn::copyIntoWiderNetwork(*narrow, *wide);
        QVERIFY(std::find(partial.begin(), partial.end(), "enc2.conv.weight") != partial.end());
        narrow->eval();
        wide->eval();
        torch::NoGradGuard noGrad;
        auto mask = torch::ones({1, 1, 32, 32});
        if (scaleSkipsSeparately) mask.narrow(2, 9, 12).narrow(3, 4, 15).zero_();
        const auto image = torch::randn({1, 3, 32, 32}) * mask;
        const auto expected = narrow->forward(image, mask), got = wide->forward(image, mask);
        QVERIFY2(torch::allclose(got, expected, 1e-4, 1e-5),
                 qPrintable(QString("largest difference %1").arg((got - expected).abs().max().item<double>())));
        QVERIFY(pconv::nn::parameterCount(*wide) > pconv::nn::parameterCount(*narrow));
        QVERIFY_THROWS_EXCEPTION(pconv::InvalidArgument, pconv::nn::copyIntoWiderNetwork(*wide, *narrow));
    }
    void widenedNetworkComputesTheSame_data() { stemColumn(); }

    void rejectsSizeNotMultiple() {
        ModelConfig config;
        config.depth = 3;
        config.width = 4;
        PConvUNet net(config);
        QVERIFY_THROWS_EXCEPTION(c10::Error, net->forward(torch::randn({1, 3, 20, 24}), torch::ones({1, 1, 20, 24})));
    }

    // A pass asks whether to stop before every layer, so a cancel does not wait for the whole pass.
    void cancellationStopsAPassBetweenLayers() {
        ModelConfig config;
        config.depth = 3;
        config.width = 4;
        PConvUNet net(config);
        net->eval();
        const auto image = torch::randn({1, 3, 16, 16}), mask = torch::ones({1, 1, 16, 16});
        int asked = 0;
        {
            const pconv::CancellationScope never([&] { return ++asked, false; });
            net->forward(image, mask);
        }
        QCOMPARE(asked, 2 * config.depth);
        asked = 0;
        {
            const pconv::CancellationScope third([&] { return ++asked == 3; });
            QVERIFY_THROWS_EXCEPTION(pconv::Cancelled, net->forward(image, mask));
        }
        QCOMPARE(asked, 3);
        net->forward(image, mask);  // outside a scope nothing is asked
        QCOMPARE(asked, 3);
    }

    void rejectsBadConfig() {
        ModelConfig config;
        config.depth = 0;
        QVERIFY_THROWS_EXCEPTION(pconv::InvalidArgument, PConvUNet{config});
        config.depth = 3;
        config.width = 0;
        QVERIFY_THROWS_EXCEPTION(pconv::InvalidArgument, PConvUNet{config});
        config.width = 4;
        config.fullResChannels = -1;
        QVERIFY_THROWS_EXCEPTION(pconv::InvalidArgument, PConvUNet{config});
    }

    void trainingStepLowersLossOnOneBatch() {
        ModelConfig config;
        config.depth = 3;
        config.width = 8;
        PConvUNet net(config);
        net->train();
        torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-2));
        const auto image = torch::rand({2, 3, 32, 32}) * 2 - 1;
        auto mask = torch::ones({2, 1, 32, 32});
        mask.slice(2, 8, 20).slice(3, 8, 20).zero_();
        double first = 0, last = 0;
        for (int step = 0; step < 30; ++step) {
            adam.zero_grad();
            const auto loss = (net->forward(image * mask, mask) - image).abs().mean();
            loss.backward();
            adam.step();
            if (step == 0) first = loss.item<double>();
            last = loss.item<double>();
        }
        QVERIFY2(last < first * 0.8, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
    }
};

QTEST_GUILESS_MAIN(TestUNet)
#include "test_unet.moc"
