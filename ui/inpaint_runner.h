#pragma once
// Runs inpainting on a worker thread so the window stays responsive. Each job
// gets a generation number; cancel() and invalidate() (the image or mask changed)
// make the running job's result stale, and a stale result is dropped, not shown.
#include "pconv/hd_strategy.h"
#include "pconv/inpainter.h"

#include <QObject>
#include <QString>
#include <QThread>
#include <opencv2/core.hpp>

#include <atomic>
#include <memory>
#include <optional>

Q_DECLARE_METATYPE(cv::Mat)

namespace pconv::ui {

struct InpaintJob {
    cv::Mat image;        // 8/16-bit, 1/3/4 channels
    cv::Mat holes;        // CV_8UC1, non-zero = hole
    Method method = Method::PConv;
    QString modelPath;    // for Method::PConv
    HdOptions hd;
    double radius = 3.0;  // Telea / NS
    int mirrorViews = 2;  // PConv self-ensemble: 1, 2, 4 or 8
    bool deepHoleTexture = true;  // PConv: patch-synthesised texture in holes deeper than deepHolesFrom
    double deepHolesFrom = 48;    // PConv: PConvInpaintOptions::maxHoleDepth
};

// Lives in the worker thread; loads each model once and keeps it.
class InpaintWorker : public QObject {
    Q_OBJECT
public:
    explicit InpaintWorker(const std::atomic<quint64>* cancelledUpTo) : cancelledUpTo_(cancelledUpTo) {}

public Q_SLOTS:
    void process(quint64 generation, const pconv::ui::InpaintJob& job);

Q_SIGNALS:
    void finished(quint64 generation, const cv::Mat& result, double seconds);
    void failed(quint64 generation, const QString& message);
    void cancelled(quint64 generation);
    void progress(quint64 generation, int done, int total);

private:
    const std::atomic<quint64>* cancelledUpTo_;
    std::optional<PConvModel> model_;
    QString modelPath_;
};

class InpaintRunner : public QObject {
    Q_OBJECT
public:
    explicit InpaintRunner(QObject* parent = nullptr);
    ~InpaintRunner() override;

    // Queues a job and returns its generation.
    quint64 start(const InpaintJob& job);
    // Stops the running job at its next checkpoint (between crop regions, or between the
    // network's layers); its result is dropped.
    void cancel();
    // The image or mask changed: a result still being computed is now stale.
    void invalidate();
    bool isBusy() const { return pending_ > 0; }
    quint64 generation() const { return generation_; }

Q_SIGNALS:
    void resultReady(const cv::Mat& result, double seconds);
    void failed(const QString& message);
    void cancelled();
    void staleResultDropped();
    void progress(int done, int total);
    void busyChanged(bool busy);
    void queueJob(quint64 generation, const pconv::ui::InpaintJob& job);  // internal: to the worker thread

private:
    void jobEnded();

    QThread thread_;
    InpaintWorker* worker_ = nullptr;
    std::atomic<quint64> cancelledUpTo_{0};
    quint64 generation_ = 0;
    quint64 validFrom_ = 0;  // results of generations below this are stale
    int pending_ = 0;
};

} // namespace pconv::ui

Q_DECLARE_METATYPE(pconv::ui::InpaintJob)
