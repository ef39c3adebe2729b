#include "training_panel.h"

#include "path_picker_row.h"
#include "pconv/default_model.h"
#include "pconv/errors.h"
#include "pconv/model.h"
#include "ranged_spin_box.h"
#include "training_runner.h"

#include <QAbstractSpinBox>
#include <QChart>
#include <QChartView>
#include <QCoreApplication>
#include <QCheckBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QScrollArea>
#include <QLineEdit>
#include <QLineSeries>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QMessageBox>
#include <QSettings>
#include <QSpinBox>
#include <QToolButton>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>
#include <map>
#include <optional>

namespace pconv::ui {
namespace {

// The smallest 1, 2 or 5 x 10^k at or above x (x > 0): round axis ends and tick steps.
double roundUp125(double x) {
    const double k = std::floor(std::log10(x)), magnitude = std::pow(10.0, k);
    for (const double multiple : {1.0, 2.0, 5.0})
        if (multiple * magnitude >= x) return multiple * magnitude;
    return std::pow(10.0, k + 1);
}

// A wheel turned over a spin box the user did not click into scrolls the panel instead
// of changing the number under the pointer unseen.
class WheelScrollsPanel : public QObject {
public:
    using QObject::QObject;
    bool eventFilter(QObject* watched, QEvent* event) override {
        auto* box = qobject_cast<QAbstractSpinBox*>(watched);
        if (event->type() != QEvent::Wheel || !box || box->hasFocus()) return false;
        event->ignore();  // handled here, but not accepted: it goes on to the scroll area
        return true;
    }
};

QString formatEta(double seconds) {
    const long s = std::lround(std::max(0.0, seconds));
    return s >= 3600 ? QString("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                     : QString("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

} // namespace

TrainingPanel::TrainingPanel(QWidget* parent) : QWidget(parent), runner_(new TrainingRunner(this)) {
    QSettings settings;
    dataFolder_ = new QLineEdit(settings.value("train/data").toString(), this);
    outFolder_ = new QLineEdit(settings.value("train/out", QDir::home().filePath("pconv-training")).toString(), this);
    vggFile_ = new QLineEdit(settings.value("train/vgg").toString(), this);
    vggFile_->setPlaceholderText(tr("optional: perceptual and style terms"));
    initModel_ = new QLineEdit(settings.value("train/init").toString(), this);
    initModel_->setPlaceholderText(tr("optional: fine-tune this model"));
    size_ = rangedSpinBox(32, 2048, settings.value("train/size", 256).toInt(), this);
    size_->setSingleStep(32);
    batch_ = rangedSpinBox(1, 256, settings.value("train/batch", 4).toInt(), this);
    steps_ = rangedSpinBox(1, 100'000'000, settings.value("train/steps", 10000).toInt(), this);
    depth_ = rangedSpinBox(1, 9, settings.value("train/depth", 7).toInt(), this);
    width_ = rangedSpinBox(4, 512, settings.value("train/width", 32).toInt(), this);
    learningRate_ = new QDoubleSpinBox(this);
    learningRate_->setDecimals(6);
    learningRate_->setRange(1e-6, 1.0);
    learningRate_->setSingleStep(1e-5);
    learningRate_->setValue(settings.value("train/lr", 2e-4).toDouble());
    finetune_ = new QCheckBox(tr("Fine-tune (freeze encoder BatchNorm)"), this);
    finetune_->setChecked(settings.value("train/finetune", false).toBool());  // before the LR follows its toggling
    resume_ = new QCheckBox(tr("Resume from the output folder's checkpoint"), this);
    resume_->setChecked(true);
    connect(finetune_, &QCheckBox::toggled, this, [this](bool on) { learningRate_->setValue(on ? 5e-5 : 2e-4); });

    createMoreSettings(settings);

    auto* form = new QFormLayout;
    form->addRow(tr("Photos:"), pathPickerRow(dataFolder_, this, PathKind::Folder, tr("Folder of training photos")));
    form->addRow(tr("Output:"), pathPickerRow(outFolder_, this, PathKind::Folder, tr("Output folder")));
    form->addRow(tr("VGG16 weights:"), pathPickerRow(vggFile_, this, PathKind::File, tr("VGG16 weights"), tr("PyTorch files (*.pth *.pt);;All files (*)")));
    QWidget* startFrom = pathPickerRow(initModel_, this, PathKind::File, tr("Model to fine-tune"), tr("PConv models (*.pconv)"));
    // Fine-tuning the shipped model on one's own photos is the common case: one click.
    defaultModelButton_ = new QPushButton(tr("Default"), startFrom);
    if (const auto shipped = findDefaultModel(QCoreApplication::applicationFilePath().toStdString())) {
        const QString path = QString::fromStdString(*shipped);
        defaultModelButton_->setProperty("available", true);
        defaultModelButton_->setToolTip(tr("Start from the shipped default model (%1)").arg(path));
        connect(defaultModelButton_, &QPushButton::clicked, this, [this, path] {
            initModel_->setText(path);
            finetune_->setChecked(true);
        });
    } else {
        defaultModelButton_->setEnabled(false);
        defaultModelButton_->setToolTip(tr("No shipped default model was found beside this program"));
    }
    startFrom->layout()->addWidget(defaultModelButton_);
    form->addRow(tr("Start from:"), startFrom);
    auto* numbers = new QGridLayout;
    numbers->addWidget(new QLabel(tr("Size"), this), 0, 0);
    numbers->addWidget(size_, 0, 1);
    numbers->addWidget(new QLabel(tr("Batch"), this), 0, 2);
    numbers->addWidget(batch_, 0, 3);
    numbers->addWidget(new QLabel(tr("Steps"), this), 1, 0);
    numbers->addWidget(steps_, 1, 1);
    numbers->addWidget(new QLabel(tr("LR"), this), 1, 2);
    numbers->addWidget(learningRate_, 1, 3);
    numbers->addWidget(new QLabel(tr("Depth"), this), 2, 0);
    numbers->addWidget(depth_, 2, 1);
    numbers->addWidget(new QLabel(tr("Width"), this), 2, 2);
    numbers->addWidget(width_, 2, 3);

    start_ = new QPushButton(tr("Start"), this);
    pause_ = new QPushButton(tr("Pause"), this);
    pause_->setCheckable(true);
    stop_ = new QPushButton(tr("Stop"), this);
    useModel_ = new QPushButton(tr("Use this model"), this);
    useModel_->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    for (auto* b : {start_, pause_, stop_, useModel_}) buttons->addWidget(b);

    progress_ = new QProgressBar(this);
    eta_ = new QLabel(tr("Not running."), this);
    eta_->setWordWrap(true);
    validation_ = new QLabel(this);
    validation_->setWordWrap(true);
    preview_ = new QLabel(this);
    preview_->setMinimumHeight(96);
    preview_->setAlignment(Qt::AlignCenter);
    preview_->setToolTip(tr("A validation photo: with its holes | filled by the network | as it is"));
    previewCaption_ = new QLabel(this);
    previewCaption_->setAlignment(Qt::AlignCenter);
    log_ = new QPlainTextEdit(this);
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(500);
    log_->setMaximumHeight(90);

    // Loss curves, one series per term (perceptual and style appear only when on).
    lossChart_ = new QChart;
    lossChart_->setTitle(tr("Loss"));
    lossChart_->legend()->setAlignment(Qt::AlignBottom);
    lossX_ = new QValueAxis;
    lossY_ = new QValueAxis;
    lossX_->setLabelFormat("%d");
    // Short labels (0.05, not 0.0500), never cut to "…": the axis is laid out before the first
    // values, and Qt Charts truncates labels that grow later.
    lossY_->setLabelFormat("%.3g");
    lossY_->setTruncateLabels(false);
    lossChart_->addAxis(lossX_, Qt::AlignBottom);
    lossChart_->addAxis(lossY_, Qt::AlignLeft);
    // One colour per term: the chart theme's five would repeat across the ten terms.
    const QColor termColours[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),  QColor(214, 39, 40),  QColor(148, 103, 189),
                                  QColor(140, 86, 75),  QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34), QColor(23, 190, 207)};
    for (const auto& name : lossTermNames()) {
        auto* series = new QLineSeries;
        series->setName(QString::fromStdString(name));
        series->setColor(termColours[lossSeries_.size() % std::size(termColours)]);
        lossChart_->addSeries(series);
        series->attachAxis(lossX_);
        series->attachAxis(lossY_);
        lossSeries_.push_back(series);
    }
    psnrChart_ = new QChart;
    psnrChart_->setTitle(tr("Validation PSNR (dB)"));
    psnrChart_->legend()->hide();
    psnrX_ = new QValueAxis;
    psnrY_ = new QValueAxis;
    psnrX_->setLabelFormat("%d");
    psnrY_->setTruncateLabels(false);
    psnrChart_->addAxis(psnrX_, Qt::AlignBottom);
    psnrChart_->addAxis(psnrY_, Qt::AlignLeft);
    psnrSeries_ = new QLineSeries;
    psnrSeries_->setPointsVisible(true);  // validations are few: one alone must show too
    psnrChart_->addSeries(psnrSeries_);
    psnrSeries_->attachAxis(psnrX_);
    psnrSeries_->attachAxis(psnrY_);
    spanSteps(0, steps_->value());
    connect(steps_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int steps) {
        if (!running_) spanSteps(0, steps);
    });
    // Folders typed in are remembered at once, not only when a run starts.
    for (QLineEdit* edit : {dataFolder_, outFolder_, extraFolder_, maskFolder_}) connect(edit, &QLineEdit::editingFinished, this, &TrainingPanel::saveSettings);
    auto* lossView = new QChartView(lossChart_, this);
    auto* psnrView = new QChartView(psnrChart_, this);
    lossView->setRenderHint(QPainter::Antialiasing);
    psnrView->setRenderHint(QPainter::Antialiasing);
    lossView->setMinimumHeight(200);
    psnrView->setMinimumHeight(150);

    // Everything scrolls, so a short screen still reaches the preview and the log.
    auto* content = new QWidget;
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    outer->addWidget(scroll);
    auto* layout = new QVBoxLayout(content);
    layout->addLayout(form);
    layout->addLayout(numbers);
    layout->addWidget(finetune_);
    layout->addWidget(resume_);
    layout->addWidget(moreSettings_, 0, Qt::AlignLeft);
    layout->addWidget(advanced_);
    layout->addLayout(buttons);
    layout->addWidget(progress_);
    layout->addWidget(eta_);
    layout->addWidget(lossView, 2);
    layout->addWidget(psnrView, 1);
    layout->addWidget(validation_);
    layout->addWidget(preview_);
    layout->addWidget(previewCaption_);
    layout->addWidget(log_);
    auto* wheelGuard = new WheelScrollsPanel(this);
    for (QAbstractSpinBox* box : content->findChildren<QAbstractSpinBox*>()) {
        box->setFocusPolicy(Qt::StrongFocus);
        box->installEventFilter(wheelGuard);
    }

    connect(start_, &QPushButton::clicked, this, &TrainingPanel::startTraining);
    connect(pause_, &QPushButton::toggled, this, [this](bool paused) {
        runner_->setPaused(paused);
        pause_->setText(paused ? tr("Resume") : tr("Pause"));
        // No ETA while paused: it would count the pause as no time at all.
        const QString mark = tr("Paused · ");
        if (shownTotal_ > 0)
            eta_->setText(paused ? tr("Paused at step %1 of %2").arg(shownStep_).arg(shownTotal_)
                                 : tr("Step %1 of %2 · going on…").arg(shownStep_).arg(shownTotal_));
        else if (paused && !eta_->text().startsWith(mark)) eta_->setText(mark + eta_->text());
        else if (!paused && eta_->text().startsWith(mark)) eta_->setText(eta_->text().mid(mark.size()));
    });
    connect(stop_, &QPushButton::clicked, this, [this] {
        eta_->setText(tr("Stopping: saving a checkpoint…"));
        runner_->stop();
    });
    connect(useModel_, &QPushButton::clicked, this, [this] { Q_EMIT useModelRequested(lastModelPath_); });
    connect(runner_, &TrainingRunner::stepReported, this, &TrainingPanel::onStep);
    connect(runner_, &TrainingRunner::validationReported, this, &TrainingPanel::onValidation);
    connect(runner_, &TrainingRunner::previewReady, this, [this](qint64, const QImage& strip) {
        const QSize box(std::max(120, preview_->width() - 8), std::min(160, strip.height()));
        preview_->setPixmap(QPixmap::fromImage(strip).scaled(box, Qt::KeepAspectRatio, Qt::SmoothTransformation));
        previewCaption_->setText(tr("with holes  |  filled by the network  |  the photo"));
    });
    connect(runner_, &TrainingRunner::logMessage, this, [this](const QString& text) { log_->appendPlainText(text); });
    connect(runner_, &TrainingRunner::finished, this,
            [this](bool stopped, qint64 step, const QString& modelPath, const QString&) { onFinished(stopped, step, modelPath); });
    connect(runner_, &TrainingRunner::failed, this, [this](const QString& message) {
        log_->appendPlainText(tr("Failed: %1").arg(message));
        setRunning(false);  // first: it refreshes the line below, which then keeps the reason
        eta_->setText(tr("Failed: %1").arg(message));
        problemShown_ = true;
    });
    // A resumed run keeps its network: the boxes show the checkpoint's and are locked.
    connect(resume_, &QCheckBox::toggled, this, &TrainingPanel::showResumedRun);
    // Choosing a model to start from (typed, browsed or Default) asks for a new run; Start
    // then asks before replacing a run in the output folder.
    connect(initModel_, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (!text.trimmed().isEmpty()) resume_->setChecked(false);
        showResumedRun();
    });
    // Another output folder: the last run's preview, log and end state are not its (first,
    // so that showResumedRun below then describes the new folder).
    connect(outFolder_, &QLineEdit::textChanged, this, [this] {
        if (running_) return;
        clearPreview();
        log_->clear();
        progress_->setValue(0);
    });
    connect(outFolder_, &QLineEdit::textChanged, this, &TrainingPanel::showResumedRun);  // typed or browsed
    // A problem shown after Start goes once what it was about is changed.
    auto forgetProblem = [this] {
        if (!problemShown_ || running_) return;
        problemShown_ = false;
        eta_->setText(tr("Not running."));
        showResumedRun();
    };
    for (QLineEdit* edit : {dataFolder_, outFolder_, initModel_})
        connect(edit, &QLineEdit::textEdited, this, forgetProblem);
    connect(resume_, &QCheckBox::toggled, this, forgetProblem);
    showLossTerms(LossWeights{}, !vggFile_->text().isEmpty());
    setRunning(false);
}

void TrainingPanel::clearPreview() {
    preview_->clear();
    previewCaption_->clear();
}

std::optional<ModelConfig> TrainingPanel::startFromNetwork() {
    const QString path = initModel_->text().trimmed();
    if (path.isEmpty() || !QFileInfo(path).isFile()) return std::nullopt;
    if (path != initModelShown_.first) {
        initModelShown_ = {path, std::nullopt};
        try {
            initModelShown_.second = PConvModel::load(path.toStdString()).config();
        } catch (const std::exception&) {
            // An unreadable model is reported when Start tries it.
        }
    }
    return initModelShown_.second;
}

void TrainingPanel::showResumedRun() {
    const QString folder = outFolder_->text().trimmed();
    const QString checkpoint = QDir(folder).filePath("checkpoint.pt");
    std::optional<ModelConfig> resumed;
    std::optional<qint64> resumedStep;
    if (resume_->isChecked() && !folder.isEmpty() && QFile::exists(checkpoint)) {
        try {
            const CheckpointSummary summary = readCheckpointSummary(checkpoint.toStdString());
            resumed = summary.config;
            resumedStep = summary.step;
            showRunSettings(parseRunSettings(summary.runSettings));
        } catch (const std::exception&) {
            // An unreadable checkpoint is reported when Start tries it.
        }
    }
    // Without a resume, a model in "Start from" brings its own network: shown and locked too.
    const std::optional<ModelConfig> startFrom = resumed ? std::nullopt : startFromNetwork();
    if (const auto& network = resumed ? resumed : startFrom) {
        depth_->setValue(network->depth);
        width_->setValue(network->width);
        stemChannels_->setValue(network->fullResChannels);
    }
    // Between runs the charts show the run that Start would continue (none: empty).
    if (!running_) {
        showRunCurves(QDir(folder), resumedStep, std::max<qint64>(resumedStep.value_or(0), steps_->value()));
        if (!problemShown_ && progress_->value() <= 0)  // after a run, its own last word stays
            eta_->setText(resumedStep ? tr("Not running. The run in this output folder is at step %1: Start continues it up to Steps.").arg(*resumedStep)
                                      : tr("Not running."));
    }
    const QString lockedTip = resumed ? tr("From the run in the output folder, which Resume continues (untick Resume to start a new run)")
                                      : tr("From the model in \"Start from\", whose network the run trains (clear it to start a new network)");
    for (QSpinBox* box : {depth_, width_, stemChannels_}) {
        if (!box->property("ownTip").isValid()) box->setProperty("ownTip", box->toolTip());
        box->setToolTip(resumed || startFrom ? lockedTip : box->property("ownTip").toString());
        box->setEnabled(!resumed && !startFrom && !running_);
    }
}

TrainingPanel::~TrainingPanel() = default;

// The run's settings in `pconv train` terms, kept in its checkpoints: a resume from the CLI
// or from this panel starts from them.
RunSettings TrainingPanel::runSettings() const {
    RunSettings settings;
    auto add = [&](const char* name, const QString& value) {
        if (!value.trimmed().isEmpty()) settings.emplace_back(name, value.trimmed().toStdString());
    };
    add("data", dataFolder_->text());
    add("extra-data", extraFolder_->text());
    add("masks", maskFolder_->text());
    add("vgg", vggFile_->text());
    add("size", QString::number(size_->value()));
    add("batch", QString::number(batch_->value()));
    add("steps", QString::number(steps_->value()));
    add("lr", QString::number(learningRate_->value(), 'g', 8));
    if (finetune_->isChecked()) settings.emplace_back("finetune", "");
    add("hole-ratio", QString("%1:%2").arg(holeRatioLow_->value()).arg(holeRatioHigh_->value()));
    add("colour-jitter", QString::number(colourJitter_->value()));
    add("geometric-jitter", QString::number(geometricJitter_->value()));
    add("ssim-weight", QString::number(ssimWeight_->value()));
    add("val-fraction", QString::number(validationFraction_->value()));
    add("seed", QString::number(seed_->value()));
    return settings;
}

// A resumed run's settings into the boxes (not locked: a resume may change them).
void TrainingPanel::showRunSettings(const RunSettings& settings) {
    if (settings.empty()) return;  // a checkpoint from before runs kept their settings
    std::map<std::string, QString> value;
    for (const auto& [name, v] : settings) value[name] = QString::fromStdString(v);
    const bool finetune = value.count("finetune") > 0;
    finetune_->setChecked(finetune);  // first: it moves the LR
    auto setText = [&](QLineEdit* edit, const char* name) { edit->setText(value.count(name) ? value[name] : QString()); };
    setText(dataFolder_, "data");
    setText(extraFolder_, "extra-data");
    setText(maskFolder_, "masks");
    setText(vggFile_, "vgg");
    auto setNumber = [&](auto* box, const char* name) {
        if (value.count(name)) box->setValue(value[name].toDouble());
    };
    setNumber(size_, "size");
    setNumber(batch_, "batch");
    setNumber(steps_, "steps");
    setNumber(learningRate_, "lr");
    setNumber(colourJitter_, "colour-jitter");
    setNumber(geometricJitter_, "geometric-jitter");
    setNumber(ssimWeight_, "ssim-weight");
    setNumber(validationFraction_, "val-fraction");
    setNumber(seed_, "seed");
    if (const QStringList ends = value["hole-ratio"].split(':'); ends.size() == 2) {
        holeRatioLow_->setValue(ends[0].toDouble());
        holeRatioHigh_->setValue(ends[1].toDouble());
    }
}

// More settings: the data and loss options of `pconv train`, folded away by default.
void TrainingPanel::createMoreSettings(const QSettings& settings) {
    extraFolder_ = new QLineEdit(settings.value("train/extra").toString(), this);
    extraFolder_->setPlaceholderText(tr("optional: more training images, never used for validation"));
    maskFolder_ = new QLineEdit(settings.value("train/masks").toString(), this);
    maskFolder_->setPlaceholderText(tr("optional: hole masks (non-zero = hole) instead of generated ones"));
    auto fraction = [this](double min, double max, double step, double value, const QString& tip) {
        auto* box = new QDoubleSpinBox(this);
        box->setDecimals(2);
        box->setRange(min, max);
        box->setSingleStep(step);
        box->setValue(value);
        box->setToolTip(tip);
        return box;
    };
    holeRatioLow_ = fraction(0, 1, 0.05, settings.value("train/holeLow", 0.01).toDouble(), tr("Smallest share of a crop that is hole"));
    holeRatioHigh_ = fraction(0, 1, 0.05, settings.value("train/holeHigh", 0.6).toDouble(), tr("Largest share of a crop that is hole"));
    colourJitter_ = fraction(0, 0.9, 0.05, settings.value("train/colourJitter", 0.0).toDouble(),
                             tr("Random brightness, contrast, saturation and hue changes of the training crops; 0 = off"));
    geometricJitter_ = fraction(0, 1, 0.1, settings.value("train/geometricJitter", 0.0).toDouble(),
                                tr("Random rotation (up to 30 degrees at 1), stretch and perspective tilt of the training crops; 0 = off"));
    ssimWeight_ = fraction(0, 100, 0.5, settings.value("train/ssim", 0.0).toDouble(), tr("Weight of the 1 - SSIM loss term (not in the paper); 0 = off"));
    validationFraction_ = fraction(0, 0.9, 0.05, settings.value("train/valFraction", 0.1).toDouble(),
                                   tr("Share of the photos held out to measure validation PSNR"));
    stemChannels_ = rangedSpinBox(0, 256, settings.value("train/stem", 0).toInt(), this);
    stemChannels_->setToolTip(tr("A new model's full-resolution stem: 5x5 features the last layer sees instead of the raw image "
                                 "(sharper hole edges; the default model has 16); 0 = the paper's layout"));
    seed_ = rangedSpinBox(0, 1'000'000'000, settings.value("train/seed", 0).toInt(), this);
    seed_->setToolTip(tr("Seed for crops, masks and the validation split"));
    auto* holeRatios = new QWidget(this);
    auto* holeRatioRow = new QHBoxLayout(holeRatios);
    holeRatioRow->setContentsMargins(0, 0, 0, 0);
    holeRatioRow->addWidget(holeRatioLow_);
    holeRatioRow->addWidget(new QLabel(tr("to"), holeRatios));
    holeRatioRow->addWidget(holeRatioHigh_);
    advanced_ = new QWidget(this);
    auto* advancedForm = new QFormLayout(advanced_);
    advancedForm->setContentsMargins(0, 0, 0, 0);
    advancedForm->addRow(tr("Extra images:"), pathPickerRow(extraFolder_, advanced_, PathKind::Folder, tr("Folder of extra training images")));
    advancedForm->addRow(tr("Hole masks:"), pathPickerRow(maskFolder_, advanced_, PathKind::Folder, tr("Folder of hole masks")));
    advancedForm->addRow(tr("Hole ratio:"), holeRatios);
    advancedForm->addRow(tr("Colour jitter:"), colourJitter_);
    advancedForm->addRow(tr("Geometric jitter:"), geometricJitter_);
    advancedForm->addRow(tr("SSIM weight:"), ssimWeight_);
    advancedForm->addRow(tr("Stem channels:"), stemChannels_);
    advancedForm->addRow(tr("Validation share:"), validationFraction_);
    advancedForm->addRow(tr("Seed:"), seed_);
    moreSettings_ = new QToolButton(this);
    moreSettings_->setText(tr("More settings"));
    moreSettings_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    moreSettings_->setAutoRaise(true);
    moreSettings_->setCheckable(true);
    connect(moreSettings_, &QToolButton::toggled, this, [this](bool shown) {
        moreSettings_->setArrowType(shown ? Qt::DownArrow : Qt::RightArrow);
        advanced_->setVisible(shown);
        QSettings().setValue("train/moreSettings", shown);
    });
    const bool showMore = settings.value("train/moreSettings", false).toBool();
    moreSettings_->setChecked(showMore);
    moreSettings_->setArrowType(showMore ? Qt::DownArrow : Qt::RightArrow);
    advanced_->setVisible(showMore);
}


void TrainingPanel::showLossTerms(const LossWeights& weights, bool withVgg) {
    const auto names = lossTermNames();
    for (int i = 0; i < lossSeries_.size(); ++i) {
        lossSeries_[i]->setVisible(lossTermUsed(names[static_cast<size_t>(i)], weights, withVgg));
        for (QLegendMarker* marker : lossChart_->legend()->markers(lossSeries_[i])) marker->setVisible(lossSeries_[i]->isVisible());
    }
}

int TrainingPanel::plottedPoints() const { return lossSeries_.back()->count(); }
int TrainingPanel::plottedValidationPoints() const { return psnrSeries_->count(); }

void TrainingPanel::setRunning(bool running) {
    running_ = running;
    // The buttons that become usable first: disabling a focused button (Start, Stop) hands
    // the focus on to the next enabled widget, and one far down would scroll the panel.
    if (running) {
        pause_->setEnabled(true);
        stop_->setEnabled(true);
        start_->setEnabled(false);
        useModel_->setEnabled(false);  // the last run's model or this one's? Offered again when this run ends.
    } else {
        start_->setEnabled(true);
        pause_->setEnabled(false);
        stop_->setEnabled(false);
    }
    if (!running) {
        pause_->setChecked(false);
        pause_->setText(tr("Pause"));
    }
    for (QWidget* w : std::initializer_list<QWidget*>{dataFolder_, outFolder_, vggFile_, initModel_, size_, batch_, steps_, depth_, width_,
                                                      learningRate_, finetune_, resume_, advanced_})
        w->setEnabled(!running);
    defaultModelButton_->setEnabled(!running && defaultModelButton_->property("available").toBool());
    if (!running) showResumedRun();
}

void TrainingPanel::saveSettings() const {
    QSettings settings;
    settings.setValue("train/data", dataFolder_->text());
    settings.setValue("train/out", outFolder_->text());
    settings.setValue("train/vgg", vggFile_->text());
    settings.setValue("train/init", initModel_->text());
    settings.setValue("train/size", size_->value());
    settings.setValue("train/batch", batch_->value());
    settings.setValue("train/steps", steps_->value());
    settings.setValue("train/depth", depth_->value());
    settings.setValue("train/width", width_->value());
    settings.setValue("train/lr", learningRate_->value());
    settings.setValue("train/finetune", finetune_->isChecked());
    settings.setValue("train/extra", extraFolder_->text());
    settings.setValue("train/masks", maskFolder_->text());
    settings.setValue("train/holeLow", holeRatioLow_->value());
    settings.setValue("train/holeHigh", holeRatioHigh_->value());
    settings.setValue("train/colourJitter", colourJitter_->value());
    settings.setValue("train/geometricJitter", geometricJitter_->value());
    settings.setValue("train/ssim", ssimWeight_->value());
    settings.setValue("train/stem", stemChannels_->value());
    settings.setValue("train/valFraction", validationFraction_->value());
    settings.setValue("train/seed", seed_->value());
}

TrainOptions TrainingPanel::options() const {
    TrainOptions o;
    o.data.photoFolder = dataFolder_->text().trimmed().toStdString();
    o.data.extraFolder = extraFolder_->text().trimmed().toStdString();
    o.data.maskFolder = maskFolder_->text().trimmed().toStdString();
    o.data.size = size_->value();
    o.data.holeRatio = HoleRatioRange{holeRatioLow_->value(), holeRatioHigh_->value()};
    o.data.colourJitter = colourJitter_->value();
    o.data.geometricJitter = geometricJitter_->value();
    o.data.validationFraction = validationFraction_->value();
    o.data.seed = static_cast<std::uint64_t>(seed_->value());
    o.outFolder = outFolder_->text().trimmed().toStdString();
    o.vggFile = vggFile_->text().trimmed().toStdString();
    o.initModel = initModel_->text().trimmed().toStdString();
    o.batch = batch_->value();
    o.steps = steps_->value();
    o.learningRate = learningRate_->value();
    o.finetune = finetune_->isChecked();
    o.model.depth = depth_->value();
    o.model.width = width_->value();
    o.model.fullResChannels = stemChannels_->value();  // a new model's; a model started from keeps its own
    o.lossWeights.ssim = ssimWeight_->value();
    o.logEvery = 1;
    o.previewEvery = 20;
    o.validateEvery = 200;
    o.checkpointEvery = 200;
    RunSettings settings = runSettings();
    for (const char* name : {"validate-every", "checkpoint-every"}) settings.emplace_back(name, "200");
    settings.emplace_back("log-every", "1");
    o.runSettings = formatRunSettings(settings);
    return o;
}

void TrainingPanel::startTraining() {
    if (runner_->isRunning()) return;
    TrainOptions o = options();
    const QDir out(QString::fromStdString(o.outFolder));  // where the run will write (the folder as typed, trimmed)
    const QString checkpoint = out.filePath("checkpoint.pt");
    QString problem;
    // Read once: its network is checked below and its step starts the curves.
    std::optional<CheckpointSummary> resumed;
    if (resume_->isChecked() && QFile::exists(checkpoint)) {
        o.resumeCheckpoint = checkpoint.toStdString();
        o.initModel.clear();
        try {
            resumed = readCheckpointSummary(o.resumeCheckpoint);
        } catch (const std::exception& e) {
            problem = QString::fromStdString(e.what());
        }
    }
    std::optional<ModelConfig> startFrom;
    if (problem.isEmpty() && !resumed && !o.initModel.empty()) {
        try {
            startFrom = PConvModel::load(o.initModel).config();
        } catch (const std::exception& e) {
            problem = QString::fromStdString(firstLine(e.what()));
        }
    }
    if (!problem.isEmpty()) {
        // said as it is
    } else if (o.data.photoFolder.empty()) problem = tr("Choose a folder of training photos.");
    else if (o.outFolder.empty()) problem = tr("Choose an output folder.");
    else if (o.data.holeRatio.low > o.data.holeRatio.high)
        problem = tr("The hole ratio's lower end (%1) is above its upper end (%2).").arg(o.data.holeRatio.low).arg(o.data.holeRatio.high);
    else if (o.resumeCheckpoint.empty() && o.initModel.empty() && o.data.size % (1 << o.model.depth) != 0)
        problem = tr("The size must be a multiple of 2^depth = %1.").arg(1 << o.model.depth);
    else if (startFrom && o.data.size % startFrom->sizeMultiple() != 0)
        problem = tr("The size must be a multiple of %1 for the model in \"Start from\" (a depth-%2 network).")
                      .arg(startFrom->sizeMultiple())
                      .arg(startFrom->depth);
    else if (resumed) {
        const ModelConfig& network = resumed->config;
        if (network.depth != o.model.depth || network.width != o.model.width || network.fullResChannels != o.model.fullResChannels)
            problem = tr("The run in %1 is a depth-%2, width-%3 network with %4 stem channels: a resumed run keeps its network. "
                         "Untick Resume to start a new one.")
                          .arg(outFolder_->text())
                          .arg(network.depth)
                          .arg(network.width)
                          .arg(network.fullResChannels);
    } else if (QFile::exists(checkpoint)) {
        // A new run there replaces the earlier one's checkpoint, models and log (like `pconv train --force`).
        const bool agreed = !qEnvironmentVariableIsSet("PCONV_NO_DIALOGS") &&
                            QMessageBox::question(this, tr("Replace the earlier run?"),
                                                  tr("%1 holds an earlier training run. Start a new run there, replacing its checkpoint, models "
                                                     "and log? (Tick \"Resume\" to continue it instead.)")
                                                      .arg(outFolder_->text()),
                                                  QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Yes;
        if (!agreed) problem = tr("Not started: %1 holds an earlier run. Tick Resume to continue it, or choose another folder.").arg(outFolder_->text());
    }
    if (!problem.isEmpty()) {
        eta_->setText(problem);
        problemShown_ = true;
        return;
    }
    problemShown_ = false;
    saveSettings();
    showLossTerms(o.lossWeights, !o.vggFile.empty());
    log_->clear();
    clearPreview();
    if (resumed && !initModel_->text().trimmed().isEmpty())  // a resume keeps its own weights: said, not silently dropped
        log_->appendPlainText(tr("Resume continues the run in %1; the model in \"Start from\" is not used (untick Resume to start a new "
                                 "run from it).")
                                  .arg(outFolder_->text()));
    // A resumed run's curves carry on from its logs instead of starting blank.
    showRunCurves(out, resumed ? std::optional<qint64>(resumed->step) : std::nullopt, o.steps);
    setRunning(true);
    progress_->setValue(0);  // not the last run's
    shownTotal_ = 0;
    eta_->setText(tr("Reading photos…"));
    runner_->start(o);
}

void TrainingPanel::onStep(qint64 step, qint64 total, const QVector<double>& losses, double secondsPerStep, double eta) {
    progress_->setMaximum(static_cast<int>(std::min<qint64>(total, INT32_MAX)));
    progress_->setValue(static_cast<int>(std::min<qint64>(step, INT32_MAX)));
    shownStep_ = step;
    shownTotal_ = total;
    // A step that was under way when Pause was pressed still reports.
    if (pause_->isChecked())
        eta_->setText(tr("Paused at step %1 of %2").arg(step).arg(total));
    else
        eta_->setText(tr("Step %1 of %2 · %3 s/step · ETA %4 · loss %5")
                          .arg(step)
                          .arg(total)
                          .arg(secondsPerStep, 0, 'f', 2)
                          .arg(formatEta(eta))
                          .arg(losses.back(), 0, 'g', 4));
    plotLosses(step, losses);
    spanSteps(step, total);
    spanLosses();
}

// The loss axis from 0 to just over the largest loss so far, with ticks at round values
// (1, 2 or 5 x 10^k apart, four or five of them): 0.5, 1, 1.5, not 0.425, 0.851, 1.28.
void TrainingPanel::spanLosses() {
    const double top = std::max(lossMax_, 1e-9) * 1.05;
    const double interval = roundUp125(top / 5);
    lossY_->setRange(0, std::ceil(top / interval) * interval);
    lossY_->setTickType(QValueAxis::TicksDynamic);
    lossY_->setTickAnchor(0);
    lossY_->setTickInterval(interval);
}

// The step axes cover the run so far and about a quarter more, in round numbers, up to
// the planned total: a long run's first steps are not a sliver at the left edge, and
// before the first step the axis is not a bare "0 0 0 0 1".
void TrainingPanel::spanSteps(qint64 reached, qint64 total) {
    const double end = std::min(roundUp125(std::max(100.0, 1.25 * static_cast<double>(reached))),
                                static_cast<double>(std::max<qint64>(total, 1)));
    // Ticks at whole, round steps (1, 2 or 5 x 10^k apart, at most six), so labels sit where their steps are.
    const double interval = std::max(1.0, roundUp125(end / 5));
    for (QValueAxis* axis : {lossX_, psnrX_}) {
        axis->setRange(0, end);
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTickAnchor(0);
        axis->setTickInterval(interval);
    }
}

void TrainingPanel::plotLosses(qint64 step, const QVector<double>& losses) {
    for (int i = 0; i < losses.size() && i < lossSeries_.size(); ++i) {
        if (losses[i] == 0 && lossSeries_[i]->count() == 0) continue;  // a term that is off
        lossSeries_[i]->append(static_cast<double>(step), losses[i]);
        lossMax_ = std::max(lossMax_, losses[i]);
    }
}

// The curves of the run in folder up to its checkpoint's step, from its log.csv and
// validation.csv; cleared alone when there is no such run (no step).
void TrainingPanel::showRunCurves(const QDir& folder, std::optional<qint64> upToStep, qint64 totalSteps) {
    for (auto* series : lossSeries_) series->clear();
    psnrSeries_->clear();
    lossMax_ = 0;
    psnrMin_ = 1e9;
    psnrMax_ = 0;
    validation_->clear();  // another run's would pass for this one's
    psnrY_->setRange(0, 1);  // nor its PSNR range
    spanSteps(0, totalSteps);
    if (!upToStep) return;
    for (const StepReport& row : readTrainingLog(folder.filePath("log.csv").toStdString(), *upToStep))
        plotLosses(row.step, QVector<double>(row.losses.begin(), row.losses.end()));
    const auto validations = readValidationLog(folder.filePath("validation.csv").toStdString(), *upToStep);
    for (const ValidationReport& row : validations) plotValidation(row.step, row.psnr);
    if (!validations.empty()) {
        ValidationReport last = validations.back();
        last.best = std::all_of(validations.begin(), validations.end() - 1, [&](const ValidationReport& r) { return r.psnr < last.psnr; });
        describeValidation(last);
    }
    spanLosses();
    spanSteps(*upToStep, totalSteps);
}

void TrainingPanel::plotValidation(qint64 step, double psnr) {
    psnrSeries_->append(static_cast<double>(step), psnr);
    psnrMin_ = std::min(psnrMin_, psnr);
    psnrMax_ = std::max(psnrMax_, psnr);
    psnrY_->setRange(std::floor(psnrMin_ - 0.5), std::ceil(psnrMax_ + 0.5));
}

void TrainingPanel::onValidation(qint64 step, double l1, double psnr, double ssim, bool best) {
    plotValidation(step, psnr);
    describeValidation({step, l1, psnr, ssim, best});
}

void TrainingPanel::describeValidation(const ValidationReport& report) {
    validation_->setText(tr("Validation at step %1: L1 %2%, PSNR %3 dB, SSIM %4%5")
                             .arg(report.step)
                             .arg(report.l1Percent, 0, 'f', 2)
                             .arg(report.psnr, 0, 'f', 2)
                             .arg(report.ssim, 0, 'f', 3)
                             .arg(report.best ? tr(" (best)") : QString()));
}

void TrainingPanel::onFinished(bool stopped, qint64 step, const QString& modelPath) {
    lastModelPath_ = modelPath;
    // Where the run ended, also when no step was reported (a resume already at its Steps).
    progress_->setMaximum(static_cast<int>(std::min<qint64>(std::max<qint64>(steps_->value(), std::max<qint64>(step, 1)), INT32_MAX)));
    progress_->setValue(static_cast<int>(std::min<qint64>(step, INT32_MAX)));
    useModel_->setEnabled(true);
    eta_->setText(stopped ? tr("Stopped at step %1; checkpoint saved. Model: %2").arg(step).arg(modelPath)
                          : tr("Finished at step %1. Model: %2").arg(step).arg(modelPath));
    setRunning(false);
}

} // namespace pconv::ui
