#include "reports/report_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <system_error>

namespace ocms::reports {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

bool all_of(std::string_view s, bool (*pred)(char)) {
    for (char c : s)
        if (!pred(c)) return false;
    return true;
}

std::string errno_text(int e) { return std::error_code(e, std::generic_category()).message(); }

// A failed file system call: its errno decides the kind (classify_errno).
std::unexpected<Error> fs_error(int e, std::string message) {
    return fail(Error{codes::kInternal, std::move(message), classify_errno(e)});
}

// Not a file system fault: the id, the size or the file is wrong, and stays wrong.
std::unexpected<Error> refused(std::string message) {
    return fail(Error::permanent(codes::kInternal, std::move(message)));
}

// "WHAT PATH: strerror" with errno read before anything else can change it.
std::unexpected<Error> sys_error(const char* what, const std::string& path) {
    int e = errno;
    return fs_error(e, std::string(what) + " " + path + ": " + errno_text(e));
}

// Owns a file descriptor; closes it once.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }
    // close() reports write-back errors on some file systems: the caller checks it.
    int close() {
        int r = ::close(fd_);
        fd_ = -1;
        return r;
    }

private:
    int fd_;
};

// Removes a path when it goes out of scope unless released.
class Unlinker {
public:
    explicit Unlinker(std::string path) : path_(std::move(path)) {}
    Unlinker(const Unlinker&) = delete;
    Unlinker& operator=(const Unlinker&) = delete;
    ~Unlinker() {
        if (!path_.empty()) ::unlink(path_.c_str());
    }

private:
    std::string path_;
};

bool write_all(int fd, std::string_view bytes) {
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += n;
        left -= std::size_t(n);
    }
    return true;
}

std::string random_part() {
    thread_local std::mt19937_64 rng{[] {
        std::random_device rd;
        std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
        return std::mt19937_64(seq);
    }()};
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::uniform_int_distribution<int> pick(0, 35);
    std::string s(kReportRandomLen, 'a');
    for (char& c : s) c = alphabet[pick(rng)];
    return s;
}

}  // namespace

bool valid_report_id(std::string_view id) {
    if (id.size() > kReportIdMax || !id.starts_with(kReportIdPrefix) || !id.ends_with(kReportIdSuffix))
        return false;
    std::string_view rest = id.substr(kReportIdPrefix.size());
    rest.remove_suffix(kReportIdSuffix.size());
    // yyyyMMdd_HHmmss_
    if (rest.size() < 16 || !all_of(rest.substr(0, 8), is_digit) || rest[8] != '_' ||
        !all_of(rest.substr(9, 6), is_digit) || rest[15] != '_')
        return false;
    rest.remove_prefix(16);
    // user_random
    if (rest.size() < 1 + 1 + kReportRandomLen) return false;
    std::string_view random = rest.substr(rest.size() - kReportRandomLen);
    std::string_view user = rest.substr(0, rest.size() - kReportRandomLen - 1);
    return rest[user.size()] == '_' && !user.empty() && user.size() <= kReportUserMax && all_of(user, is_alnum) &&
           all_of(random, is_lower_alnum);
}

std::string report_id_user_part(std::string_view generated_by) {
    std::string user;
    for (char c : generated_by) {
        if (user.size() == kReportUserMax) break;
        if (is_alnum(c)) user += c;
    }
    return user.empty() ? std::string("SYSTEM") : user;
}

std::string new_report_id(TimePoint now, std::string_view generated_by) {
    using namespace std::chrono;
    auto local = floor<seconds>(now + kSingaporeOffset);
    auto day = floor<days>(local);
    year_month_day ymd{day};
    hh_mm_ss<seconds> hms{local - day};
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%04d%02u%02u_%02ld%02ld%02ld", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), long(hms.hours().count()), long(hms.minutes().count()),
                  long(hms.seconds().count()));
    std::string id(kReportIdPrefix);
    id += stamp;
    id += '_';
    id += report_id_user_part(generated_by);
    id += '_';
    id += random_part();
    id += kReportIdSuffix;
    return id;
}

FsReportStore::FsReportStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

Result<void> FsReportStore::save(const std::string& report_id, std::string_view bytes) {
    if (!valid_report_id(report_id)) return refused("invalid report id");
    if (bytes.size() > kMaxReportBytes)
        return refused("report of " + std::to_string(bytes.size()) + " bytes is over the limit of " +
                       std::to_string(kMaxReportBytes));
    std::error_code ec;
    if (std::filesystem::create_directories(dir_, ec)) {
        std::filesystem::permissions(dir_, std::filesystem::perms(0750), ec);
        ec.clear();
    }
    if (ec) return fs_error(ec.value(), "cannot create the report directory " + dir_.string() + ": " + ec.message());

    const std::string final_path = (dir_ / report_id).string();
    std::string tmp_path = (dir_ / (".tmp-" + report_id + "-XXXXXX")).string();
    Fd fd{::mkostemp(tmp_path.data(), O_CLOEXEC)};
    if (fd.get() < 0) return sys_error("cannot create a temp file in", dir_.string());
    Unlinker remove_tmp{tmp_path};  // after link() the report keeps its own name; the temp name always goes

    if (::fchmod(fd.get(), 0640) != 0) return sys_error("fchmod", tmp_path);
    if (!write_all(fd.get(), bytes)) return sys_error("write", tmp_path);
    if (::fsync(fd.get()) != 0) return sys_error("fsync", tmp_path);
    if (fd.close() != 0) return sys_error("close", tmp_path);

    // link() is the atomic "create if absent": unlike rename() it never replaces an existing report.
    if (::link(tmp_path.c_str(), final_path.c_str()) != 0) {
        int e = errno;
        if (e == EEXIST) return refused("report " + report_id + " already exists");
        return fs_error(e, "link " + final_path + ": " + errno_text(e));
    }
    // Make the new name durable; a failure here leaves a complete report, so it is not an error.
    Fd dir_fd{::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (dir_fd.get() >= 0) ::fsync(dir_fd.get());
    return {};
}

Result<std::optional<std::string>> FsReportStore::load(const std::string& report_id) const {
    if (!valid_report_id(report_id)) return std::optional<std::string>{};
    const std::string path = (dir_ / report_id).string();
    Fd fd{::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)};
    if (fd.get() < 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR) return std::optional<std::string>{};
        return fs_error(e, "open " + path + ": " + errno_text(e));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return sys_error("fstat", path);
    if (!S_ISREG(st.st_mode)) return refused(path + " is not a regular file");
    if (std::size_t(st.st_size) > kMaxReportBytes)
        return refused(path + " has " + std::to_string(st.st_size) + " bytes, over the limit of " +
                       std::to_string(kMaxReportBytes));
    std::string out;
    out.reserve(std::size_t(st.st_size));
    char buf[64 * 1024];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return sys_error("read", path);
        }
        if (n == 0) break;
        if (out.size() + std::size_t(n) > kMaxReportBytes) return refused(path + " grew over the limit");
        out.append(buf, std::size_t(n));
    }
    return std::optional<std::string>{std::move(out)};
}

}  // namespace ocms::reports
