// Model files: round trip, and a clear FileError naming the file for every way
// a file can be wrong.
#include "pconv/errors.h"
#include "pconv/model.h"
#include "pconv/model_average.h"
#include "pconv/nn/pconv_unet.h"
#include "pconv/train/trainer.h"

#include "test_files.h"

#include <QtTest>
#include <torch/torch.h>

#include <fstream>
#include <limits>

using pconv::ModelConfig;
using pconv::PConvModel;

namespace {

ModelConfig smallConfig() {
    ModelConfig config;
    config.depth = 3;
    config.width = 4;
    return config;
}

// Inverts a few bytes in the middle of the largest tensor entry ("<archive>/data/<n>") of a
// LibTorch zip archive, leaving the zip structure intact: the damage only its checksum shows.
std::string damageLargestTensor(std::string bytes) {
    auto le = [&](std::size_t at, int n) {
        std::uint32_t v = 0;
        for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
        return v;
    };
    // Sizes from the central directory: LibTorch's local headers leave them 0 (data descriptors).
    std::size_t bestStart = 0, bestSize = 0;
    for (std::size_t at = bytes.find("PK\x01\x02"); at != std::string::npos; at = bytes.find("PK\x01\x02", at + 4)) {
        const std::uint32_t size = le(at + 20, 4), nameLength = le(at + 28, 2), local = le(at + 42, 4);
        const std::string name = bytes.substr(at + 46, nameLength);
        if (name.find("/data/") != std::string::npos && size > bestSize) {
            bestSize = size;
            bestStart = local + 30 + le(local + 26, 2) + le(local + 28, 2);
        }
    }
    for (std::size_t k = 0; k < 16 && k < bestSize; ++k) bytes[bestStart + bestSize / 2 + k] = static_cast<char>(~bytes[bestStart + bestSize / 2 + k]);
    return bytes;
}



} // namespace

class TestModelFile : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString path(const QString& name) { return dir.filePath(name); }

    // Loading must throw a FileError whose message names the file and contains `problem`.
    void expectLoadError(const QString& file, const QString& problem) {
        try {
            PConvModel::load(file.toStdString());
            QFAIL("load succeeded");
        } catch (const pconv::FileError& e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.contains(file), qPrintable(message));
            QVERIFY2(message.contains(problem, Qt::CaseInsensitive), qPrintable(message));
        }
    }

private Q_SLOTS:
    // Flipped bytes inside a tensor used to load as wrong weights: the zip checksum says so.
    void damagedWeightsAreRefused() {
        const auto model = PConvModel::create(smallConfig(), 3);
        model.save(path("intact.pconv").toStdString());
        const std::string intact = readBytes(path("intact.pconv"));
        const std::string damaged = damageLargestTensor(intact);
        QVERIFY(damaged != intact);
        writeBytes(path("damaged.pconv"), damaged);
        expectLoadError(path("damaged.pconv"), "do not match their checksum");
        PConvModel::load(path("intact.pconv").toStdString());  // and the intact file still loads
    }

    void roundTripKeepsWeightsConfigAndMetadata() {
        ModelConfig config = smallConfig();
        config.norm = pconv::NormKind::Instance;
        config.normalization = pconv::InputNormalization::ImageNet;
        config.fullResChannels = 5;
        config.scaleSkipsSeparately = true;
        PConvModel model = PConvModel::create(config, 42);
        model.setMetadata("trained_steps", "1234");
        model.setMetadata("note", "two\nlines \\ backslash");
        model.save(path("m.pconv").toStdString());

        const PConvModel loaded = PConvModel::load(path("m.pconv").toStdString());
        QCOMPARE(loaded.config().depth, 3);
        QCOMPARE(loaded.config().width, 4);
        QCOMPARE(int(loaded.config().norm), int(pconv::NormKind::Instance));
        QCOMPARE(int(loaded.config().normalization), int(pconv::InputNormalization::ImageNet));
        QCOMPARE(loaded.config().fullResChannels, 5);
        QVERIFY(loaded.config().scaleSkipsSeparately);
        QCOMPARE(loaded.metadata().at("trained_steps"), std::string("1234"));
        QCOMPARE(loaded.metadata().at("note"), std::string("two\nlines \\ backslash"));
        QCOMPARE(loaded.parameterCount(), model.parameterCount());

        torch::NoGradGuard noGrad;
        const auto image = torch::randn({1, 3, 16, 16});
        auto mask = torch::ones({1, 1, 16, 16});
        mask.slice(2, 4, 9).zero_();
        QVERIFY(torch::equal(model.network().forward(image, mask), loaded.network().forward(image, mask)));
    }

    // 16-bit storage: about half the file, and every weight (BatchNorm
    // statistics included) back within float16 rounding, as 32-bit floats.
    void float16FileRoundsEveryWeight() {
        ModelConfig config = smallConfig();
        config.width = 16;
        config.fullResChannels = 8;
        PConvModel model = PConvModel::create(config, 3);
        {
            torch::NoGradGuard noGrad;  // BatchNorm statistics other than the initial ones
            for (const auto& b : model.network().named_buffers())
                if (b.value().is_floating_point()) b.value().uniform_(0.5, 2.0);
        }
        model.save(path("full.pconv").toStdString());
        model.save(path("half.pconv").toStdString(), PConvModel::WeightPrecision::Float16);
        const auto fullSize = QFileInfo(path("full.pconv")).size(), halfSize = QFileInfo(path("half.pconv")).size();
        QVERIFY2(halfSize < fullSize * 6 / 10, qPrintable(QString("%1 bytes against %2").arg(halfSize).arg(fullSize)));

        const PConvModel loaded = PConvModel::load(path("half.pconv").toStdString());
        const auto original = model.network().named_parameters(), stored = loaded.network().named_parameters();
        for (const auto& item : original) {
            const auto& back = stored[item.key()];
            QCOMPARE(back.scalar_type(), torch::kFloat);
            QVERIFY2(torch::equal(back, item.value().to(torch::kHalf).to(torch::kFloat)), qPrintable(QString::fromStdString(item.key())));
        }
        const auto buffers = loaded.network().named_buffers();
        for (const auto& item : model.network().named_buffers()) {
            const auto& back = buffers[item.key()];
            QCOMPARE(back.scalar_type(), item.value().scalar_type());
            QVERIFY2(torch::allclose(back, item.value(), 1e-3, 0), qPrintable(QString::fromStdString(item.key())));
        }
    }

    void sameSeedSameWeights() {
        const auto a = PConvModel::create(smallConfig(), 5), b = PConvModel::create(smallConfig(), 5), c = PConvModel::create(smallConfig(), 6);
        const auto pa = a.network().parameters(), pb = b.network().parameters(), pc = c.network().parameters();
        QVERIFY(torch::equal(pa[0], pb[0]));
        QVERIFY(!torch::equal(pa[0], pc[0]));
    }

    // Weight averaging: every weight and BatchNorm statistic is the mean of the models'.
    void averageIsTheElementwiseMean() {
        PConvModel a = PConvModel::create(smallConfig(), 1), b = PConvModel::create(smallConfig(), 2);
        {
            torch::NoGradGuard noGrad;
            for (auto& buffer : b.network().named_buffers())
                if (buffer.key().find("running_var") != std::string::npos) buffer.value().fill_(3.0);
        }
        for (PConvModel* m : {&a, &b}) {
            m->setMetadata("train_data", "photos");
            m->setMetadata("validation_psnr", "30");
        }
        a.setMetadata("trained_steps", "10");
        b.setMetadata("trained_steps", "42");
        const PConvModel mean = pconv::averageModels({a, b});
        const auto pa = a.network().named_parameters(), pb = b.network().named_parameters(), pm = mean.network().named_parameters();
        QCOMPARE(pm.size(), pa.size());
        for (const auto& item : pm) QVERIFY(torch::allclose(item.value(), (pa[item.key()] + pb[item.key()]) / 2, 1e-6, 1e-7));
        int checked = 0;
        for (const auto& buffer : mean.network().named_buffers())
            if (buffer.key().find("running_var") != std::string::npos) {
                QVERIFY(torch::allclose(buffer.value(), torch::full_like(buffer.value(), 2.0)));  // (1 + 3) / 2
                ++checked;
            }
        QVERIFY(checked > 0);
        // What the inputs share carries over; what differs, and any validation score, does not.
        QCOMPARE(mean.metadata().at("train_data"), std::string("photos"));
        QVERIFY(!mean.metadata().count("trained_steps") && !mean.metadata().count("validation_psnr"));
        QCOMPARE(mean.metadata().at("averaged_models"), std::string("2"));

        ModelConfig wider = smallConfig();
        wider.width = 8;
        QVERIFY_THROWS_EXCEPTION(pconv::InvalidArgument, pconv::averageModels({a, PConvModel::create(wider, 1)}));
        QVERIFY_THROWS_EXCEPTION(pconv::InvalidArgument, pconv::averageModels({}));
    }

    void batchNormStatisticsAreSaved() {
        PConvModel model = PConvModel::create(smallConfig(), 1);
        {
            torch::NoGradGuard noGrad;
            for (auto& buffer : model.network().named_buffers())
                if (buffer.key().find("running_mean") != std::string::npos) buffer.value().fill_(0.25);
        }
        model.save(path("bn.pconv").toStdString());
        const auto loaded = PConvModel::load(path("bn.pconv").toStdString());
        int checked = 0;
        for (auto& buffer : loaded.network().named_buffers())
            if (buffer.key().find("running_mean") != std::string::npos) {
                QCOMPARE(buffer.value().mean().item<double>(), 0.25);
                ++checked;
            }
        QVERIFY(checked > 0);
    }

    void missingFile() { expectLoadError(path("nope.pconv"), "no such"); }

    void emptyFile() {
        writeBytes(path("empty.pconv"), "");
        expectLoadError(path("empty.pconv"), "empty");
    }

    void directory() { expectLoadError(dir.path(), "directory"); }

    void garbageFile() {
        writeBytes(path("garbage.pconv"), std::string(5000, 'x'));
        expectLoadError(path("garbage.pconv"), "not a readable model file");
    }

    void truncatedFiles_data() {
        QTest::addColumn<double>("fraction");
        for (double f : {0.1, 0.5, 0.9, 0.999}) QTest::addRow("%.3f", f) << f;
    }
    void truncatedFiles() {
        QFETCH(double, fraction);
        PConvModel::create(smallConfig(), 3).save(path("full.pconv").toStdString());
        const std::string bytes = readBytes(path("full.pconv"));
        writeBytes(path("cut.pconv"), bytes.substr(0, static_cast<size_t>(bytes.size() * fraction)));
        expectLoadError(path("cut.pconv"), "");
    }

    void corruptedBytesNeverCrash() {
        PConvModel::create(smallConfig(), 3).save(path("full.pconv").toStdString());
        std::string bytes = readBytes(path("full.pconv"));
        std::mt19937 rng(9);
        for (int trial = 0; trial < 20; ++trial) {
            std::string corrupt = bytes;
            for (int i = 0; i < 50; ++i) corrupt[rng() % corrupt.size()] = static_cast<char>(rng());
            writeBytes(path("corrupt.pconv"), corrupt);
            try {
                PConvModel::load(path("corrupt.pconv").toStdString());
                // Flipped bytes inside tensor data can load; that is fine as long as nothing crashes.
            } catch (const pconv::FileError& e) {
                QVERIFY(QString(e.what()).contains("corrupt.pconv"));
            }
        }
    }

    // A valid torch archive that is not one of ours.
    void foreignArchive() {
        torch::serialize::OutputArchive archive;
        archive.write("something", torch::ones({2}));
        archive.save_to(path("foreign.pt").toStdString());
        expectLoadError(path("foreign.pt"), "not a PConv Studio model");
    }

    // Weights of a width-4 net under a header that claims width 8.
    void mismatchedArchitecture() {
        torch::serialize::OutputArchive archive;
        archive.write("pconv_format", c10::IValue(std::string("pconv-studio-model")));
        archive.write("pconv_format_version", c10::IValue(int64_t{1}));
        archive.write("arch_depth", c10::IValue(int64_t{3}));
        archive.write("arch_width", c10::IValue(int64_t{8}));
        archive.write("arch_norm", c10::IValue(std::string("batch")));
        archive.write("arch_normalization", c10::IValue(std::string("minus_one_to_one")));
        archive.write("metadata", c10::IValue(std::string()));
        torch::serialize::OutputArchive weights;
        PConvModel::create(smallConfig(), 1).network().save(weights);
        archive.write("weights", weights);
        archive.save_to(path("mismatch.pconv").toStdString());
        expectLoadError(path("mismatch.pconv"), "has shape");
    }

    void unknownNormIsReported() {
        torch::serialize::OutputArchive archive;
        archive.write("pconv_format", c10::IValue(std::string("pconv-studio-model")));
        archive.write("pconv_format_version", c10::IValue(int64_t{1}));
        archive.write("arch_depth", c10::IValue(int64_t{3}));
        archive.write("arch_width", c10::IValue(int64_t{4}));
        archive.write("arch_norm", c10::IValue(std::string("group")));
        archive.write("arch_normalization", c10::IValue(std::string("minus_one_to_one")));
        archive.save_to(path("norm.pconv").toStdString());
        expectLoadError(path("norm.pconv"), "unknown norm 'group'");
    }

    // Found by the fuzzer: a one-byte change in the archive's TorchScript code used to
    // crash LibTorch's parser (unbounded recursion). Now it is refused up front.
    void fuzzerCrashIsRefused() {
        const QString crash = PCONV_SOURCE_DIR "/fuzz/crashes/checkpoint-jit-type-parser-recursion.bin";
        expectLoadError(crash, "unexpected code");
        try {
            pconv::checkpointStep(crash.toStdString());
            QFAIL("no error");
        } catch (const pconv::FileError& e) {
            QVERIFY(QString(e.what()).contains("unexpected code"));
        }
    }

    // Found by the fuzzer: a 7 KB file whose pickle declares a 4 GB string made
    // LibTorch's unpickler reserve 4 GB before failing. The declared length is now
    // checked against the bytes that are there, before LibTorch reads the pickle.
    void oversizedPickleLengthIsRefused() {
        expectLoadError(PCONV_SOURCE_DIR "/fuzz/crashes/model-unpickler-4gb-reserve.pconv", "bytes with");
    }

    // Found by a CLI audit: a tensor record cut short, the zip rebuilt with good checksums.
    // LibTorch trusted the pickle's element count and read past the record's end.
    void tensorRecordCutShortIsRefused() {
        expectLoadError(PCONV_SOURCE_DIR "/fuzz/crashes/model-tensor-record-cut-short.pconv", "holds 100 bytes of tensor data where 2352");
    }

    // A NaN weight used to fill every hole with black, reported as success.
    void nonFiniteWeightsAreRefused() {
        auto model = PConvModel::create(smallConfig(), 3);
        {
            torch::NoGradGuard noGrad;
            model.network().parameters()[1].fill_(std::numeric_limits<float>::quiet_NaN());
        }
        model.save(path("nan.pconv").toStdString());
        expectLoadError(path("nan.pconv"), "not finite");
    }

    void saveIsAtomicAndKeepsOldFileOnFailure() {
        PConvModel::create(smallConfig(), 1).save(path("keep.pconv").toStdString());
        const std::string before = readBytes(path("keep.pconv"));
        QVERIFY_THROWS_EXCEPTION(pconv::FileError, PConvModel::create(smallConfig(), 2).save(path("missing/dir/x.pconv").toStdString()));
        QCOMPARE(readBytes(path("keep.pconv")), before);
        // No temporary files left beside the target.
        const QStringList leftovers = QDir(dir.path()).entryList(QStringList() << "*.tmp*", QDir::Files | QDir::Hidden);
        QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(",")));
    }
};

QTEST_GUILESS_MAIN(TestModelFile)
#include "test_model_file.moc"
