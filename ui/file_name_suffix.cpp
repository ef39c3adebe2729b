#include "file_name_suffix.h"

#include "pconv/image_io.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace pconv::ui {

QString withFilterSuffix(const QString& path, const QString& selectedFilter) {
    // "holiday.final" is a name with a dot in it, not a format: it gets the type's extension too.
    if (path.isEmpty() || isWritableImageFormat(path.toStdString())) return path;
    // The first "*.ext" of the filter, e.g. "jpg" of "JPEG (*.jpg *.jpeg)".
    static const QRegularExpression firstPattern(QStringLiteral("\\*\\.([A-Za-z0-9]+)"));
    const QRegularExpressionMatch match = firstPattern.match(selectedFilter);
    if (!match.hasMatch()) return path;
    return (path.endsWith('.') ? path : path + '.') + match.captured(1);
}

} // namespace pconv::ui
