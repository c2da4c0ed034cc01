#include "reports/change_stage_xlsx.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>

namespace ocms::reports {

namespace {

// ------------------------------------------------------------------ text for the cells

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

// Decodes one UTF-8 character at s[i]; returns its length, 0 if the bytes there are not valid
// UTF-8 (overlong forms, surrogates and code points past U+10FFFF included).
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    std::size_t len;
    char32_t min;
    if (c < 0x80) {
        cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

// XML 1.0 allows tab, LF, CR and everything from U+0020 except U+FFFE and U+FFFF.
bool xml_allowed(char32_t cp) {
    return cp == 0x09 || cp == 0x0A || cp == 0x0D || (cp >= 0x20 && cp != 0xFFFE && cp != 0xFFFF);
}

// Valid UTF-8 that XML (so Excel) accepts: bad bytes become U+FFFD, illegal control
// characters are dropped, and the text is cut at kMaxCellChars characters.
std::string cell_text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size() && chars < kMaxCellChars;) {
        char32_t cp;
        std::size_t len = decode_utf8(s, i, cp);
        if (len == 0) {
            cp = 0xFFFD;
            len = 1;
        }
        if (xml_allowed(cp)) {
            append_utf8(out, cp);
            ++chars;
        }
        i += len;
    }
    return out;
}

// ------------------------------------------------------------------ libxlsxwriter, owned once

struct WorkbookFree {
    void operator()(lxw_workbook* wb) const { lxw_workbook_free(wb); }
};
using WorkbookPtr = std::unique_ptr<lxw_workbook, WorkbookFree>;

// Removes the temp file on every path out of render_change_stage_xlsx.
class TempFile {
public:
    explicit TempFile(std::string path) : path_(std::move(path)) {}
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() { ::unlink(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

std::string lxw_text(lxw_error e) { return lxw_strerror(e); }

// Writes the cells; every call's lxw_error is checked and the first one ends the sheet.
class SheetWriter {
public:
    explicit SheetWriter(lxw_worksheet* ws) : ws_(ws) {}

    bool text(int row, int col, std::string_view s, lxw_format* f = nullptr) {
        if (!ok()) return false;
        std::string t = cell_text(s);
        // An empty string writes nothing (or a blank cell when formatted): the cell stays empty.
        return check(worksheet_write_string(ws_, lxw_row_t(row), lxw_col_t(col), t.c_str(), f), row, col);
    }
    bool number(int row, int col, double v, lxw_format* f = nullptr) {
        if (!ok()) return false;
        return check(worksheet_write_number(ws_, lxw_row_t(row), lxw_col_t(col), v, f), row, col);
    }
    bool column_width(int col, double width) {
        if (!ok()) return false;
        return check(worksheet_set_column(ws_, lxw_col_t(col), lxw_col_t(col), width, nullptr), -1, col);
    }
    bool autofilter(int first_row, int last_row, int last_col) {
        if (!ok()) return false;
        return check(worksheet_autofilter(ws_, lxw_row_t(first_row), 0, lxw_row_t(last_row), lxw_col_t(last_col)),
                     first_row, 0);
    }
    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }

private:
    bool check(lxw_error e, int row, int col) {
        if (e == LXW_NO_ERROR) return true;
        error_ = "libxlsxwriter at row " + std::to_string(row) + " column " + std::to_string(col) + ": " + lxw_text(e);
        return false;
    }
    lxw_worksheet* ws_;
    std::string error_;
};

// A cell or a sheet libxlsxwriter refuses: the same input is refused again.
std::unexpected<Error> refused(std::string message) {
    return fail(Error::permanent(codes::kInternal, std::move(message)));
}

// libxlsxwriter could not make, write or read its files, or ran out of memory, and says no more:
// the machine's trouble (disk, memory), which passes.
std::unexpected<Error> io_trouble(std::string message) {
    return fail(Error::transient(codes::kInternal, std::move(message)));
}

Result<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return io_trouble("cannot read back " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return io_trouble("error reading back " + path);
    return std::move(ss).str();
}

}  // namespace

std::string format_report_time(TimePoint t) {
    std::string s = format_local(t);  // "2025-12-20T09:30:15"
    if (s.size() > 10 && s[10] == 'T') s[10] = ' ';
    return s + " (SGT, UTC+08:00)";
}

Result<std::string> render_change_stage_xlsx(const ChangeStageReportMeta& meta,
                                             const std::vector<ChangeStageReportRow>& rows,
                                             const std::filesystem::path& tmp_dir) {
    if (rows.size() > kMaxRows)
        return refused("report of " + std::to_string(rows.size()) + " rows is over one sheet's " +
                       std::to_string(kMaxRows));
    std::error_code ec;
    std::filesystem::path dir = tmp_dir.empty() ? std::filesystem::temp_directory_path(ec) : tmp_dir;
    if (ec) return fail(Error{codes::kInternal, "no temp directory: " + ec.message(), classify_errno(ec.value())});

    std::string path = (dir / "ocms-report-XXXXXX.xlsx").string();
    int fd = ::mkostemps(path.data(), 5, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return fail(Error{codes::kInternal,
                          "cannot create a temp file in " + dir.string() + ": " +
                              std::error_code(e, std::generic_category()).message(),
                          classify_errno(e)});
    }
    ::close(fd);  // libxlsxwriter opens the path itself; the 0600 file keeps the name ours
    TempFile tmp{path};

    std::string scratch_dir = dir.string();  // lxw_workbook_options wants a char*
    lxw_workbook_options options{};
    options.constant_memory = LXW_FALSE;
    options.tmpdir = scratch_dir.data();
    options.use_zip64 = LXW_FALSE;
    WorkbookPtr wb{workbook_new_opt(path.c_str(), &options)};
    if (!wb) return io_trouble("libxlsxwriter: cannot create a workbook");

    lxw_worksheet* ws = workbook_add_worksheet(wb.get(), std::string(kSheetName).c_str());
    lxw_format* title = workbook_add_format(wb.get());
    lxw_format* label = workbook_add_format(wb.get());
    lxw_format* header = workbook_add_format(wb.get());
    if (!ws || !title || !label || !header) return io_trouble("libxlsxwriter: out of memory");
    format_set_bold(title);
    format_set_font_size(title, 14);
    format_set_bold(label);
    format_set_bold(header);
    format_set_bg_color(header, 0xD9E1F2);
    format_set_border(header, LXW_BORDER_THIN);

    SheetWriter w{ws};
    w.text(kTitleRow, 0, kReportTitle, title);
    w.text(kReportIdRow, 0, "Report ID", label);
    w.text(kReportIdRow, 1, meta.report_id);
    w.text(kGeneratedByRow, 0, "Generated By", label);
    w.text(kGeneratedByRow, 1, meta.generated_by);
    w.text(kGeneratedAtRow, 0, "Generated At", label);
    w.text(kGeneratedAtRow, 1, format_report_time(meta.generated_at));
    w.text(kRequestIdRow, 0, "Request ID", label);
    w.text(kRequestIdRow, 1, meta.request_id);

    std::array<std::size_t, kOutcomes.size()> counts{};
    for (const auto& r : rows)
        for (std::size_t k = 0; k < kOutcomes.size(); ++k)
            if (r.outcome == kOutcomes[k]) ++counts[k];
    w.text(kCountsRow, 0, "Total", label);
    w.number(kCountsRow, 1, double(rows.size()));
    for (std::size_t k = 0; k < kOutcomes.size(); ++k) {
        w.text(kCountsRow, int(2 + 2 * k), kOutcomes[k], label);
        w.number(kCountsRow, int(3 + 2 * k), double(counts[k]));
    }

    for (std::size_t c = 0; c < kTableColumns.size(); ++c) w.text(kTableHeaderRow, int(c), kTableColumns[c], header);
    int row = kFirstDataRow;
    for (const auto& r : rows) {
        const std::string* cells[] = {&r.notice_no, &r.previous_stage, &r.new_stage, &r.outcome,
                                      &r.code,      &r.message,        &r.reason,    &r.remarks};
        static_assert(std::size(cells) == kTableColumns.size());
        for (std::size_t c = 0; c < kTableColumns.size(); ++c) w.text(row, int(c), *cells[c]);
        ++row;
    }

    static constexpr double widths[] = {16, 15, 12, 12, 38, 60, 10, 40};
    static_assert(std::size(widths) == kTableColumns.size());
    for (std::size_t c = 0; c < kTableColumns.size(); ++c) w.column_width(int(c), widths[c]);
    w.autofilter(kTableHeaderRow, rows.empty() ? kTableHeaderRow : row - 1, int(kTableColumns.size()) - 1);
    if (!w.ok()) return refused(w.error());
    worksheet_freeze_panes(ws, lxw_row_t(kFirstDataRow), 0);

    // workbook_close writes the file and frees the workbook, whatever it returns.
    lxw_error closed = workbook_close(wb.release());
    if (closed != LXW_NO_ERROR) return io_trouble("libxlsxwriter: writing " + path + ": " + lxw_text(closed));
    return read_file(path);
}

}  // namespace ocms::reports
