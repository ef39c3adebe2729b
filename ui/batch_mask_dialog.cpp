#include "batch_mask_dialog.h"

#include "path_picker_row.h"
#include "ranged_spin_box.h"
#include "pconv/errors.h"
#include "pconv/mask_batch.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

namespace pconv::ui {

BatchMaskDialog::BatchMaskDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Generate Masks"));
    QSettings settings;
    count_ = rangedSpinBox(1, 1'000'000, settings.value("masks/count", 100).toInt(), this);
    minUnits_ = rangedSpinBox(0, 1000, settings.value("masks/minUnits", 5).toInt(), this);
    maxUnits_ = rangedSpinBox(0, 1000, settings.value("masks/maxUnits", 12).toInt(), this);
    for (QSpinBox* box : {minUnits_, maxUnits_})
        box->setToolTip(tr("Each mask gets, of each shape kind (lines, rectangles, ellipses, circles), a number of shapes drawn "
                           "between min and max: more units, more holes"));
    width_ = rangedSpinBox(16, 16384, settings.value("masks/width", 512).toInt(), this);
    height_ = rangedSpinBox(16, 16384, settings.value("masks/height", 512).toInt(), this);
    seed_ = rangedSpinBox(0, 2'000'000'000, settings.value("masks/seed", 0).toInt(), this);
    useRatio_ = new QCheckBox(tr("Target a hole ratio range"), this);
    useRatio_->setToolTip(tr("Each mask gets a hole ratio drawn evenly from this range, e.g. 0.1 to 0.5"));
    useRatio_->setChecked(settings.value("masks/useRatio", false).toBool());
    ratioLow_ = new QDoubleSpinBox(this);
    ratioHigh_ = new QDoubleSpinBox(this);
    for (auto* box : {ratioLow_, ratioHigh_}) {
        box->setRange(0.0, 1.0);
        box->setSingleStep(0.05);
        box->setDecimals(2);
    }
    ratioLow_->setValue(settings.value("masks/ratioLow", 0.1).toDouble());
    ratioHigh_->setValue(settings.value("masks/ratioHigh", 0.2).toDouble());
    maskFolder_ = new QLineEdit(settings.value("masks/maskFolder").toString(), this);
    imageFolder_ = new QLineEdit(settings.value("masks/imageFolder").toString(), this);
    sampleFolder_ = new QLineEdit(settings.value("masks/sampleFolder").toString(), this);
    imageFolder_->setPlaceholderText(tr("optional: photos to turn into masked samples"));
    sampleFolder_->setPlaceholderText(tr("needed with an image folder"));

    auto* size = new QWidget(this);
    auto* sizeLayout = new QHBoxLayout(size);
    sizeLayout->setContentsMargins(0, 0, 0, 0);
    sizeLayout->addWidget(width_);
    sizeLayout->addWidget(new QLabel("×", size));
    sizeLayout->addWidget(height_);
    auto* ratio = new QWidget(this);
    auto* ratioLayout = new QHBoxLayout(ratio);
    ratioLayout->setContentsMargins(0, 0, 0, 0);
    ratioLayout->addWidget(useRatio_);
    ratioLayout->addWidget(ratioLow_);
    ratioLayout->addWidget(new QLabel(tr("to"), ratio));
    ratioLayout->addWidget(ratioHigh_);

    auto* form = new QFormLayout;
    form->addRow(tr("Number of masks:"), count_);
    form->addRow(tr("Min units per shape:"), minUnits_);
    form->addRow(tr("Max units per shape:"), maxUnits_);
    form->addRow(tr("Size (px):"), size);
    form->addRow(tr("Seed:"), seed_);
    form->addRow(tr("Hole ratio:"), ratio);
    form->addRow(tr("Mask output folder:"), pathPickerRow(maskFolder_, this, PathKind::Folder, tr("Mask output folder")));
    form->addRow(tr("Image folder:"), pathPickerRow(imageFolder_, this, PathKind::Folder, tr("Photos to mask")));
    form->addRow(tr("Masked-sample folder:"), pathPickerRow(sampleFolder_, this, PathKind::Folder, tr("Masked-sample output folder")));

    progress_ = new QProgressBar(this);
    progress_->setValue(0);
    const QString hint = tr("Masks are written as mask_000.png, mask_001.png, …, white (255) = hole.");
    status_ = new QLabel(hint, this);
    status_->setWordWrap(true);
    thumbnails_ = new QHBoxLayout;
    generate_ = new QPushButton(tr("Generate"), this);
    generate_->setDefault(true);
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setEnabled(false);
    close_ = new QPushButton(tr("Close"), this);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(generate_);
    buttons->addWidget(cancel_);
    buttons->addWidget(close_);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addLayout(thumbnails_);
    layout->addLayout(buttons);

    // A hole-ratio target decides the shape counts: the unit boxes have no say then, and show it.
    auto showWhatCounts = [this] {
        const bool byRatio = useRatio_->isChecked();
        for (QSpinBox* box : {minUnits_, maxUnits_}) box->setEnabled(!byRatio);
        for (QDoubleSpinBox* box : {ratioLow_, ratioHigh_}) box->setEnabled(byRatio);
    };
    connect(useRatio_, &QCheckBox::toggled, this, showWhatCounts);
    showWhatCounts();
    // A refusal or the last batch's report is not about folders edited since.
    for (QLineEdit* edit : {maskFolder_, imageFolder_, sampleFolder_})
        connect(edit, &QLineEdit::textChanged, this, [this, hint] {
            if (thread_) return;
            status_->setText(hint);
            progress_->setValue(0);
        });
    connect(generate_, &QPushButton::clicked, this, &BatchMaskDialog::startGeneration);
    connect(cancel_, &QPushButton::clicked, this, &BatchMaskDialog::cancelGeneration);
    connect(close_, &QPushButton::clicked, this, &BatchMaskDialog::reject);
}

BatchMaskDialog::~BatchMaskDialog() {
    if (thread_) {
        cancelFlag_->store(true);
        thread_->wait();
    }
}

void BatchMaskDialog::setRunning(bool running) {
    generate_->setEnabled(!running);
    cancel_->setEnabled(running);
    close_->setEnabled(!running);
}

void BatchMaskDialog::startGeneration() {
    if (thread_) return;
    MaskBatchOptions options;
    options.count = count_->value();
    options.generator.minUnits = minUnits_->value();
    options.generator.maxUnits = maxUnits_->value();
    options.generator.width = width_->value();
    options.generator.height = height_->value();
    if (useRatio_->isChecked()) options.generator.holeRatio = HoleRatioRange{ratioLow_->value(), ratioHigh_->value()};
    options.seed = static_cast<std::uint64_t>(seed_->value());
    options.maskFolder = maskFolder_->text().trimmed().toStdString();
    options.imageFolder = imageFolder_->text().trimmed().toStdString();
    options.sampleFolder = sampleFolder_->text().trimmed().toStdString();

    QString problem;
    if (options.maskFolder.empty()) problem = tr("Choose a mask output folder.");
    else if (options.generator.maxUnits < options.generator.minUnits) problem = tr("Max units must be at least min units.");
    else if (useRatio_->isChecked() && ratioHigh_->value() < ratioLow_->value()) problem = tr("The hole ratio range is empty.");
    else if (useRatio_->isChecked() && ratioLow_->value() >= 1.0) problem = tr("Masks that are all hole leave nothing to fill from: keep the lower hole ratio below 1.");
    else if (!options.imageFolder.empty() && options.sampleFolder.empty()) problem = tr("Choose where the masked samples go.");
    // The folders are checked before any question about an earlier batch: a Yes to it should not end in a refusal.
    if (problem.isEmpty()) try {
            checkMaskBatchOptions(options);
        } catch (const std::exception& e) {
            problem = QString::fromStdString(firstLine(e.what()));
        }
    // Like `pconv masks` without --force: an earlier batch's files are not replaced unasked.
    if (problem.isEmpty())
        if (const QString earlier = QString::fromStdString(earlierBatchFile(options)); !earlier.isEmpty()) {
            const QString question = tr("%1 already holds files of an earlier batch (%2 …). Files of the same names will be replaced.")
                                         .arg(QFileInfo(earlier).absolutePath(), QFileInfo(earlier).fileName());
            // Headless, nobody can agree to it.
            const bool agreed = !qEnvironmentVariableIsSet("PCONV_NO_DIALOGS") &&
                                QMessageBox::question(this, tr("Replace earlier masks?"), question + "\n\n" + tr("Write the new batch there?"),
                                                      QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Yes;
            if (!agreed) problem = tr("Not generated: %1 already holds an earlier batch (%2). Choose an empty folder.")
                                       .arg(QFileInfo(earlier).absolutePath(), QFileInfo(earlier).fileName());
        }
    // The last batch's thumbnails would pass for this one's.
    clearThumbnails();
    if (!problem.isEmpty()) {
        progress_->setValue(0);  // not the last batch's
        status_->setText(problem);
        Q_EMIT generationFailed(problem);
        return;
    }
    QSettings settings;
    settings.setValue("masks/count", count_->value());
    settings.setValue("masks/minUnits", minUnits_->value());
    settings.setValue("masks/maxUnits", maxUnits_->value());
    settings.setValue("masks/width", width_->value());
    settings.setValue("masks/height", height_->value());
    settings.setValue("masks/seed", seed_->value());
    settings.setValue("masks/useRatio", useRatio_->isChecked());
    settings.setValue("masks/ratioLow", ratioLow_->value());
    settings.setValue("masks/ratioHigh", ratioHigh_->value());
    settings.setValue("masks/maskFolder", maskFolder_->text());
    settings.setValue("masks/imageFolder", imageFolder_->text());
    settings.setValue("masks/sampleFolder", sampleFolder_->text());

    cancelFlag_ = std::make_shared<std::atomic<bool>>(false);
    auto cancelFlag = cancelFlag_;
    setRunning(true);
    progress_->setValue(0);
    status_->setText(tr("Generating…"));
    thread_ = QThread::create([this, options, cancelFlag] {
        try {
            const auto result = generateMaskBatch(
                options,
                [this](int done, int total) {
                    QMetaObject::invokeMethod(this, [this, done, total] {
                        progress_->setMaximum(total);
                        progress_->setValue(done);
                    });
                },
                cancelFlag.get());
            QMetaObject::invokeMethod(this, [this, result] {
                QString text = result.cancelled ? tr("Cancelled after %1 masks and %2 samples.").arg(result.masksWritten).arg(result.samplesWritten)
                                                : tr("Wrote %1 masks and %2 masked samples.").arg(result.masksWritten).arg(result.samplesWritten);
                if (result.masksWithoutHoles > 0)
                    text += " " + tr("%1 of the masks have no holes: raise the hole ratio or the units.").arg(result.masksWithoutHoles);
                if (result.earlierMasksLeft > 0)
                    text += " " + tr("The mask folder also holds %n mask(s) of an earlier batch.", "", result.earlierMasksLeft);
                if (!result.skippedPhotos.empty())
                    text += " " + tr("Skipped %n unreadable photo(s): %1", "", static_cast<int>(result.skippedPhotos.size()))
                                      .arg(QString::fromStdString(result.skippedPhotos.front()));
                status_->setText(text);
                showThumbnails();
                Q_EMIT generationFinished(result.masksWritten, result.samplesWritten, result.cancelled);
            });
        } catch (const std::exception& e) {
            const QString message = QString::fromStdString(firstLine(e.what()));
            QMetaObject::invokeMethod(this, [this, message] {
                status_->setText(tr("Failed: %1").arg(message));
                Q_EMIT generationFailed(message);
            });
        }
    });
    connect(thread_, &QThread::finished, this, [this] {
        thread_->deleteLater();
        thread_ = nullptr;
        setRunning(false);
    });
    thread_->start();
}

void BatchMaskDialog::cancelGeneration() {
    if (cancelFlag_) cancelFlag_->store(true);
}

void BatchMaskDialog::reject() {
    if (thread_) return;  // finish or cancel first
    QDialog::reject();
}

int BatchMaskDialog::thumbnailCount() const {
    int labels = 0;
    for (int i = 0; i < thumbnails_->count(); ++i) labels += qobject_cast<QLabel*>(thumbnails_->itemAt(i)->widget()) != nullptr;
    return labels;
}

void BatchMaskDialog::clearThumbnails() {
    while (auto* item = thumbnails_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
}

void BatchMaskDialog::showThumbnails() {
    clearThumbnails();
    const QDir dir(maskFolder_->text());
    const QStringList masks = dir.entryList({"mask_*.png"}, QDir::Files, QDir::Name);
    for (int i = 0; i < std::min<int>(4, masks.size()); ++i) {
        auto* label = new QLabel(this);
        label->setPixmap(QPixmap(dir.filePath(masks[i])).scaled(96, 96, Qt::KeepAspectRatio, Qt::SmoothTransformation));
        label->setToolTip(masks[i]);
        label->setFrameShape(QFrame::Box);
        thumbnails_->addWidget(label);
    }
    thumbnails_->addStretch();
}

} // namespace pconv::ui
