// Inpainting on the worker thread: results arrive by signal with pixels outside
// the holes unchanged; cancel; a stale result is dropped; errors become signals.
#include "inpaint_runner.h"

#include "pconv/model.h"

#include <QtTest>
#include <opencv2/imgproc.hpp>

using namespace pconv;
using pconv::ui::InpaintJob;
using pconv::ui::InpaintRunner;

namespace {

InpaintJob makeJob(int rows, int cols, Method method) {
    InpaintJob job;
    job.image = cv::Mat(rows, cols, CV_8UC3);
    cv::randu(job.image, 0, 255);
    job.holes = cv::Mat::zeros(rows, cols, CV_8UC1);
    cv::circle(job.holes, {cols / 2, rows / 2}, std::min(rows, cols) / 6, 255, -1);
    job.method = method;
    return job;
}

} // namespace

class TestInpaintRunner : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

private Q_SLOTS:
    void resultKeepsPixelsOutsideHoles() {
        InpaintRunner runner;
        QSignalSpy ready(&runner, &InpaintRunner::resultReady);
        QSignalSpy busy(&runner, &InpaintRunner::busyChanged);
        const InpaintJob job = makeJob(120, 160, Method::Telea);
        runner.start(job);
        QVERIFY(runner.isBusy());
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
        const cv::Mat result = ready.at(0).at(0).value<cv::Mat>();
        cv::Mat diff;
        cv::absdiff(result, job.image, diff);
        cv::cvtColor(diff, diff, cv::COLOR_BGR2GRAY);
        diff.setTo(0, job.holes);
        QCOMPARE(cv::countNonZero(diff), 0);
        QVERIFY(ready.at(0).at(1).toDouble() >= 0);
        QTRY_VERIFY(!runner.isBusy());
        QCOMPARE(busy.count(), 2);  // true, then false
    }

    void pconvModelThroughTheWorker() {
        ModelConfig config;
        config.depth = 3;
        config.width = 4;
        const QString modelPath = dir.filePath("tiny.pconv");
        PConvModel::create(config, 2).save(modelPath.toStdString());
        InpaintRunner runner;
        QSignalSpy ready(&runner, &InpaintRunner::resultReady);
        QSignalSpy progress(&runner, &InpaintRunner::progress);
        InpaintJob job = makeJob(90, 70, Method::PConv);
        job.modelPath = modelPath;
        runner.start(job);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
        QCOMPARE(ready.at(0).at(0).value<cv::Mat>().size(), job.image.size());
        // One region, yet the bar moves: the network reports its passes and layers, rising to the end.
        QVERIFY2(progress.count() >= 8, qPrintable(QString::number(progress.count())));
        for (int i = 0; i < progress.count(); ++i) {
            QCOMPARE(progress.at(i).at(1).toInt(), 1000);
            if (i > 0) QVERIFY(progress.at(i).at(0).toInt() > progress.at(i - 1).at(0).toInt());
        }
        QCOMPARE(progress.last().at(0).toInt(), 1000);

        // A hole deeper than the network's training (60 px): texture on and off differ.
        InpaintJob deep = makeJob(200, 200, Method::PConv);
        deep.holes.setTo(0);
        cv::circle(deep.holes, {100, 100}, 60, 255, -1);
        deep.modelPath = modelPath;
        runner.start(deep);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 2, 30000);  // (a newer job would make this one stale)
        deep.deepHoleTexture = false;
        runner.start(deep);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 3, 30000);
        QVERIFY(cv::norm(ready.at(1).at(0).value<cv::Mat>(), ready.at(2).at(0).value<cv::Mat>(), cv::NORM_INF) > 0);

        // A hole 30 px deep: texture only when it starts from below that.
        InpaintJob mid = makeJob(200, 200, Method::PConv);
        mid.holes.setTo(0);
        cv::circle(mid.holes, {100, 100}, 30, 255, -1);
        mid.modelPath = modelPath;
        mid.deepHolesFrom = 8;
        runner.start(mid);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 4, 30000);
        mid.deepHolesFrom = 48;
        runner.start(mid);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 5, 30000);
        mid.deepHoleTexture = false;
        runner.start(mid);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 6, 30000);
        QVERIFY(cv::norm(ready.at(3).at(0).value<cv::Mat>(), ready.at(4).at(0).value<cv::Mat>(), cv::NORM_INF) > 0);
        QCOMPARE(cv::norm(ready.at(4).at(0).value<cv::Mat>(), ready.at(5).at(0).value<cv::Mat>(), cv::NORM_INF), 0.0);  // within 48: no texture either way
    }

    void staleResultIsDropped() {
        InpaintRunner runner;
        QSignalSpy ready(&runner, &InpaintRunner::resultReady);
        QSignalSpy stale(&runner, &InpaintRunner::staleResultDropped);
        QSignalSpy cancelled(&runner, &InpaintRunner::cancelled);
        runner.start(makeJob(600, 800, Method::NavierStokes));
        runner.invalidate();  // the mask changed while it ran
        QTRY_VERIFY_WITH_TIMEOUT(!runner.isBusy(), 60000);
        QCOMPARE(ready.count(), 0);
        // Stopped or finished, it was dropped because of the change: said so, not "cancelled".
        QCOMPARE(stale.count(), 1);
        QCOMPARE(cancelled.count(), 0);
    }

    void cancelStopsBetweenRegions() {
        // Many separate holes on a big image: Crop works region by region. Enough work (several
        // seconds) that the worker cannot finish before the cancel, even when a busy machine
        // (ctest -j) keeps this thread from seeing the first progress signals for a while.
        InpaintJob job = makeJob(4000, 4000, Method::NavierStokes);
        job.holes.setTo(0);
        // 400 px apart: each hole's region (its box plus the 128 px margin, 376 px) stays apart.
        for (int i = 0; i < 10; ++i)
            for (int j = 0; j < 10; ++j) cv::circle(job.holes, {200 + i * 400, 200 + j * 400}, 60, 255, -1);
        InpaintRunner runner;
        QSignalSpy ready(&runner, &InpaintRunner::resultReady);
        QSignalSpy cancelled(&runner, &InpaintRunner::cancelled);
        QSignalSpy progress(&runner, &InpaintRunner::progress);
        runner.start(job);
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 2, 60000);
        runner.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count() + ready.count(), 1, 60000);
        QCOMPARE(ready.count(), 0);  // the worker had not finished all regions before the cancel
        QVERIFY(progress.count() < 100);  // it stopped before the end of the last of the 100 regions
    }

    void errorsBecomeSignals() {
        InpaintRunner runner;
        QSignalSpy failed(&runner, &InpaintRunner::failed);
        InpaintJob job = makeJob(50, 50, Method::PConv);
        job.modelPath = dir.filePath("missing.pconv");
        runner.start(job);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QVERIFY(failed.at(0).at(0).toString().contains("missing.pconv"));
        job.modelPath.clear();
        runner.start(job);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, 30000);
        QVERIFY(failed.at(1).at(0).toString().contains("no model"));
    }
};

QTEST_GUILESS_MAIN(TestInpaintRunner)
#include "test_inpaint_runner.moc"
