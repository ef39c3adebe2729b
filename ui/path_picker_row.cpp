#include "path_picker_row.h"

#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace pconv::ui {

namespace {
// The browse button is enabled exactly when its edit is: a panel that locks a path while a
// run uses it must not have it changed through the dialog.
class FollowEnabled : public QObject {
public:
    FollowEnabled(QWidget* source, QWidget* follower) : QObject(follower), follower_(follower) { source->installEventFilter(this); }
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::EnabledChange) follower_->setEnabled(static_cast<QWidget*>(watched)->isEnabled());
        return false;
    }

private:
    QWidget* follower_;
};
} // namespace

QWidget* pathPickerRow(QLineEdit* edit, QWidget* parent, PathKind kind, const QString& caption, const QString& filter) {
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* browse = new QPushButton(QObject::tr("…"), row);
    browse->setFixedWidth(32);
    browse->setToolTip(caption);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    browse->setEnabled(edit->isEnabled());
    new FollowEnabled(edit, browse);
    QObject::connect(browse, &QPushButton::clicked, row, [=] {
        const QString path = kind == PathKind::Folder ? QFileDialog::getExistingDirectory(row, caption, edit->text())
                                                      : QFileDialog::getOpenFileName(row, caption, edit->text(), filter);
        if (!path.isEmpty()) edit->setText(path);
    });
    return row;
}

} // namespace pconv::ui
