// PyTorch interop, checked against Python (python3-torch): a checkpoint in the
// popular port's layout imports and reproduces the port's forward; our export
// loads in Python and reproduces our forward. Skipped where python3-torch is missing.
#include "pconv/errors.h"
#include "pconv/interop.h"
#include "pconv/model.h"
#include "pconv/nn/pconv_unet.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <QtTest>

#include <fstream>

using namespace pconv;

namespace {

const QString kScript = QStringLiteral(PCONV_SOURCE_DIR "/tests/python/interop_check.py");

c10::IValue loadPickle(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return torch::pickle_load(bytes);
}

int python(const QStringList& args, QString* output) {
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start("/usr/bin/python3", args);
    process.waitForFinished(600000);
    *output = process.readAll();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

} // namespace

class TestInterop : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

    // Exports `model` as <name>.pt, saves our output on input.pt beside it, and has
    // the Python reference rebuild the net and compare (1e-4).
    bool pythonReproducesExport(const PConvModel& model, const torch::Tensor& ours, const QString& name) {
        exportPytorchStateDict(model, dir.filePath(name + ".pt").toStdString());
        const auto bytes = torch::pickle_save(c10::IValue(ours.contiguous()));
        std::ofstream(dir.filePath(name + "_output.pt").toStdString(), std::ios::binary)
            .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        QString out;
        const int code = python({kScript, "check-export", dir.filePath(name + ".pt"), dir.filePath("input.pt"), dir.filePath(name + "_output.pt")}, &out);
        if (code != 0) qWarning("%s", qPrintable(out));
        return code == 0;
    }

private Q_SLOTS:
    void initTestCase() {
        QString out;
        if (python({"-c", "import torch"}, &out) != 0) QSKIP("python3-torch is not installed");
        QVERIFY2(python({kScript, "make-port", dir.path()}, &out) == 0, qPrintable(out));
    }

    void importReproducesThePort() {
        const PConvModel model = importPytorchPortCheckpoint(dir.filePath("port.pth").toStdString());
        QCOMPARE(model.config().depth, 7);
        QCOMPARE(model.config().width, 64);
        QCOMPARE(int(model.config().normalization), int(InputNormalization::ImageNet));
        const auto input = loadPickle(dir.filePath("input.pt")).toGenericDict();
        const auto image = input.at(c10::IValue(std::string("image"))).toTensor();
        const auto mask = input.at(c10::IValue(std::string("mask"))).toTensor();
        const auto expected = loadPickle(dir.filePath("port_output.pt")).toTensor();
        torch::Tensor ours;
        {
            c10::InferenceMode inference;
            ours = model.network().forward(image * mask, mask);
        }
        const double diff = (ours - expected).abs().max().item<double>();
        QVERIFY2(diff < 1e-4, qPrintable(QString("max difference %1").arg(diff)));

        // Our export, rebuilt in Python, gives our output.
        QVERIFY(pythonReproducesExport(model, ours, "exported"));
    }

    // The architecture options beyond the paper (a full-resolution stem, skips
    // scaled separately) export too, and the Python reference reproduces them.
    void exportWithStemMatchesPython() {
        ModelConfig config;
        config.depth = 4;
        config.width = 8;
        config.fullResChannels = 5;
        config.scaleSkipsSeparately = true;
        const PConvModel model = PConvModel::create(config, 11);
        const auto input = loadPickle(dir.filePath("input.pt")).toGenericDict();
        const auto image = input.at(c10::IValue(std::string("image"))).toTensor();
        const auto mask = input.at(c10::IValue(std::string("mask"))).toTensor();
        torch::Tensor ours;
        {
            c10::InferenceMode inference;
            ours = model.network().forward(image * mask, mask);
        }
        QVERIFY(pythonReproducesExport(model, ours, "stem"));
    }

    void exportOfATrainedModelRoundTrips() {
        ModelConfig config;
        config.depth = 4;
        config.width = 8;
        const PConvModel model = PConvModel::create(config, 9);
        exportPytorchStateDict(model, dir.filePath("small.pt").toStdString());
        const auto root = loadPickle(dir.filePath("small.pt")).toGenericDict();
        QCOMPARE(QString::fromStdString(root.at(c10::IValue(std::string("format"))).toStringRef()), QString("pconv-studio"));
        const auto state = root.at(c10::IValue(std::string("state_dict"))).toGenericDict();
        QVERIFY(state.contains(c10::IValue(std::string("enc1.conv.weight"))));
        QVERIFY(torch::equal(state.at(c10::IValue(std::string("dec1.bias"))).toTensor(), model.network().named_parameters()["dec1.bias"]));
        // Our own export is not the port's layout: the error says what the file is and what to convert instead.
        try {
            importPytorchPortCheckpoint(dir.filePath("small.pt").toStdString());
            QFAIL("no error");
        } catch (const FileError& e) {
            QVERIFY2(QString(e.what()).contains("exported for PyTorch"), e.what());
        }
    }

    void badImports() {
        // Each wrong file is named for what it is, in plain words (not the unpickler's).
        auto expectProblem = [&](const QString& name, const QString& problem) {
            try {
                importPytorchPortCheckpoint(dir.filePath(name).toStdString());
                QFAIL("no error");
            } catch (const FileError& e) {
                QVERIFY2(QString(e.what()).contains(name) && QString(e.what()).contains(problem), e.what());
                QVERIFY2(!QString(e.what()).contains("PytorchStreamReader"), e.what());
            }
        };
        std::ofstream(dir.filePath("garbage.pth").toStdString()) << "not a pickle at all";
        expectProblem("garbage.pth", "not a readable PyTorch file");
        PConvModel::create(ModelConfig{}, 1).save(dir.filePath("ours.pconv").toStdString());
        expectProblem("ours.pconv", "is a PConv Studio model file");
        std::ofstream(dir.filePath("photo.pth").toStdString()) << "\x89PNG\r\n\x1a\n";
        expectProblem("photo.pth", "is an image");
        QVERIFY(isPconvModelFile(dir.filePath("ours.pconv").toStdString()));
        QVERIFY(!isPconvModelFile(dir.filePath("port.pth").toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestInterop)
#include "test_interop.moc"
