// Data-parallel training on loopback: 2 processes x batch 2 match 1 process x
// batch 4, and a killed rank ends the other with an error in bounded time.
#include "pconv/image_io.h"
#include "pconv/model.h"
#include "pconv/nn/pconv_unet.h"

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <QTcpServer>

using namespace pconv;

namespace {

int freePort() {
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

double maxDifference(const PConvModel& a, const PConvModel& b) {
    double worst = 0;
    const auto pa = a.network().named_parameters(), pb = b.network().named_parameters();
    for (const auto& item : pa) worst = std::max(worst, (item.value() - pb[item.key()]).abs().max().item<double>());
    return worst;
}

} // namespace

class TestDistributed : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QStringList common;

    int run(const QStringList& args, QString* err = nullptr) {
        QProcess process;
        process.start(PCONV_CLI_PATH, args);
        process.waitForFinished(300000);
        if (err) *err = process.readAllStandardError();
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -100;
    }

private Q_SLOTS:
    void initTestCase() {
        QDir().mkpath(dir.filePath("photos"));
        for (int i = 0; i < 5; ++i) {
            cv::Mat photo(70, 90, CV_8UC3);
            cv::randu(photo, 0, 255);
            cv::GaussianBlur(photo, photo, {0, 0}, 4);
            writeImageAtomic(dir.filePath(QString("photos/p%1.png").arg(i)).toStdString(), photo);
        }
        // No BatchNorm: per-process batch statistics would differ from one big batch.
        common = {"train", "--data", dir.filePath("photos"), "--size", "32", "--depth", "3", "--width", "8", "--norm", "none",
                  "--validate-every", "0", "--log-every", "1", "--seed", "3"};
    }

    void twoProcessesMatchOneBigBatch() {
        QString err;
        QCOMPARE(run(common + QStringList{"--out", dir.filePath("one"), "--batch", "4", "--steps", "8", "--threads", "1"}, &err), 0);
        QVERIFY2(run(common + QStringList{"--out", dir.filePath("two"), "--batch", "2", "--steps", "8", "--nproc", "2"}, &err) == 0,
                 qPrintable(err));
        const double diff = maxDifference(PConvModel::load(dir.filePath("one/model.pconv").toStdString()),
                                          PConvModel::load(dir.filePath("two/model.pconv").toStdString()));
        QVERIFY2(diff < 1e-5, qPrintable(QString("max weight difference %1").arg(diff)));
        // Rank 0 alone wrote the log, with the loss averaged over both ranks: same rows as one process.
        QFile a(dir.filePath("one/log.csv")), b(dir.filePath("two/log.csv"));
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        const QStringList rowsA = QString(a.readAll()).split('\n'), rowsB = QString(b.readAll()).split('\n');
        QCOMPARE(rowsA.size(), rowsB.size());
        // Equal to float precision: the mean of two ranks' means may round the last printed digit the other way.
        for (int column = 0; column <= 7; ++column) {
            const double x = rowsA[3].section(',', column, column).toDouble(), y = rowsB[3].section(',', column, column).toDouble();
            QVERIFY2(std::abs(x - y) <= 1e-6 * std::max(std::abs(x), std::abs(y)), qPrintable(rowsA[3] + " against " + rowsB[3]));
        }
    }

    void killedRankEndsTheOther() {
        const QString port = QString::number(freePort());
        auto start = [&](QProcess& p, int rank) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("RANK", QString::number(rank));
            env.insert("WORLD_SIZE", "2");
            env.insert("MASTER_ADDR", "127.0.0.1");
            env.insert("MASTER_PORT", port);
            p.setProcessEnvironment(env);
            p.start(PCONV_CLI_PATH, common + QStringList{"--out", dir.filePath("killed"), "--batch", "2", "--steps", "1000000",
                                                          "--threads", "1", "--dist-timeout", "10"});
        };
        QProcess rank0, rank1;
        start(rank0, 0);
        start(rank1, 1);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(dir.filePath("killed/log.csv")).size() > 200, 60000);
        rank1.kill();
        QElapsedTimer timer;
        timer.start();
        QVERIFY(rank0.waitForFinished(60000));
        QVERIFY2(timer.elapsed() < 40000, qPrintable(QString("took %1 ms").arg(timer.elapsed())));
        QVERIFY(rank0.exitStatus() == QProcess::NormalExit);
        QCOMPARE(rank0.exitCode(), 1);
        const QString err = rank0.readAllStandardError();
        QVERIFY2(err.contains("lost contact"), qPrintable(err.right(400)));
        rank1.waitForFinished();
    }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "test_distributed.moc"
