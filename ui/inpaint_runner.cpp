#include "inpaint_runner.h"

#include "pconv/cancellation.h"
#include "pconv/errors.h"
#include "pconv/progress_scope.h"

#include <QElapsedTimer>

namespace pconv::ui {

void InpaintWorker::process(quint64 generation, const InpaintJob& job) {
    auto isCancelled = [&] { return cancelledUpTo_->load() >= generation; };
    if (isCancelled()) {
        Q_EMIT cancelled(generation);
        return;
    }
    QElapsedTimer timer;
    timer.start();
    try {
        std::unique_ptr<Inpainter> inpainter;
        if (job.method == Method::PConv) {
            if (job.modelPath.isEmpty()) throw Error("no model chosen: pick a model file, or use Telea or Navier-Stokes");
            if (!model_ || modelPath_ != job.modelPath) {
                model_.reset();
                model_ = PConvModel::load(job.modelPath.toStdString());
                modelPath_ = job.modelPath;
            }
            PConvInpaintOptions options;
            options.mirrorViews = job.mirrorViews;
            options.deepHoleTexture = job.deepHoleTexture;
            options.maxHoleDepth = job.deepHolesFrom;
            inpainter = makePConvInpainter(*model_, options);
        } else {
            inpainter = makeClassicalInpainter(job.method, job.radius);
        }
        // Cancel stops a network pass between its layers, not only between crop regions.
        const CancellationScope scope(isCancelled);
        // Progress in thousandths, from within regions and network passes too: a whole
        // 16-megapixel photo is one region and takes most of a minute.
        const ProgressScope progressScope([&](double fraction) { Q_EMIT progress(generation, static_cast<int>(fraction * 1000), 1000); });
        std::atomic<bool> stop{false};
        const auto result = inpaintLarge(*inpainter, job.image, job.holes, job.hd, [&](int, int) { stop = isCancelled(); }, &stop);
        if (!result || isCancelled()) {
            Q_EMIT cancelled(generation);
            return;
        }
        Q_EMIT finished(generation, *result, timer.elapsed() / 1000.0);
    } catch (const Cancelled&) {
        Q_EMIT cancelled(generation);
    } catch (const std::exception& e) {
        // Never let an exception leave the worker thread.
        Q_EMIT failed(generation, QString::fromStdString(firstLine(e.what())));
    }
}

InpaintRunner::InpaintRunner(QObject* parent) : QObject(parent) {
    qRegisterMetaType<cv::Mat>("cv::Mat");
    qRegisterMetaType<InpaintJob>("pconv::ui::InpaintJob");
    worker_ = new InpaintWorker(&cancelledUpTo_);
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(this, &InpaintRunner::queueJob, worker_, &InpaintWorker::process);
    connect(worker_, &InpaintWorker::finished, this, [this](quint64 generation, const cv::Mat& result, double seconds) {
        jobEnded();
        if (generation < validFrom_ || generation != generation_) {
            Q_EMIT staleResultDropped();
            return;
        }
        Q_EMIT resultReady(result, seconds);
    });
    connect(worker_, &InpaintWorker::failed, this, [this](quint64 generation, const QString& message) {
        jobEnded();
        if (generation == generation_) Q_EMIT failed(message);
    });
    connect(worker_, &InpaintWorker::cancelled, this, [this](quint64 generation) {
        jobEnded();
        if (generation != generation_) return;
        // Stopped because the image or mask changed (invalidate), not by the user's Cancel.
        if (generation < validFrom_) Q_EMIT staleResultDropped();
        else Q_EMIT cancelled();
    });
    connect(worker_, &InpaintWorker::progress, this, [this](quint64 generation, int done, int total) {
        if (generation == generation_) Q_EMIT progress(done, total);
    });
    thread_.setObjectName("inpaint-worker");
    thread_.start();
}

InpaintRunner::~InpaintRunner() {
    cancelledUpTo_ = generation_;
    thread_.quit();
    thread_.wait();
}

quint64 InpaintRunner::start(const InpaintJob& job) {
    ++generation_;
    if (pending_++ == 0) Q_EMIT busyChanged(true);
    Q_EMIT queueJob(generation_, job);
    return generation_;
}

void InpaintRunner::cancel() { cancelledUpTo_ = generation_; }

void InpaintRunner::invalidate() {
    validFrom_ = generation_ + 1;
    cancelledUpTo_ = generation_;  // no point finishing work nobody will see
}

void InpaintRunner::jobEnded() {
    if (--pending_ == 0) Q_EMIT busyChanged(false);
}

} // namespace pconv::ui
