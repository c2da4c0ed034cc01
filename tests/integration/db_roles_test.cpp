// Issue 7, "Database roles: least privilege", on the real database infra/run created and migrated:
// - the edge's roles (ocmsiz_app_conn for its reads and query logs, ocms_support behind /ops) and
//   the other roles that are not the workers' cannot change notice state: UPDATE, INSERT, DELETE
//   and TRUNCATE on every notice table are refused with SQLSTATE 42501 (real statements, each in a
//   transaction that is rolled back, so a wrongly granted privilege changes nothing either);
// - the internet zone's role (ocmsez_app_conn) reads its own copy and nothing of the intranet;
// - every role's write privileges are exactly the ones the migrations mean to grant (a new grant
//   fails this test until it is added here with its reason), nobody but the owner can create in
//   the schema, no role is a superuser, and no function runs with its owner's rights.
#include "support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

namespace ocms::test {
namespace {

// The notice state DESIGN.md says only the workers write. (The inbox, which the scheduler's purge
// may delete from, is in the exact list of WritePrivilegesAreExactlyTheIntendedOnes.)
const std::vector<std::string> kNoticeTables = {
    "ocms_valid_offence_notice",  "eocms_valid_offence_notice",       "ocms_suspended_notice",
    "ocms_offence_notice_detail", "ocms_offence_notice_owner_driver", "ocms_change_of_processing",
    "ocms_hst",
};

struct Role {
    std::string name;
    std::string url;
};

// postgresql://user:password@host:port/db of OCMS_OWNER_PG_URL with another user and password.
std::string url_for(const std::string& user, const std::string& password) {
    std::string owner = env("OCMS_OWNER_PG_URL");
    auto at = owner.find('@');
    return "postgresql://" + user + ":" + password + owner.substr(at);
}

// The internet zone's connection: infra/run keeps its password with the others' (.data/secrets).
std::string internet_url() {
    std::ifstream in(env("OCMS_DATA") + "/secrets/pg_ocmsez_app_conn.password");
    std::string pw;
    std::getline(in, pw);
    if (pw.empty()) throw std::runtime_error("no password for ocmsez_app_conn under $OCMS_DATA/secrets");
    return url_for("ocmsez_app_conn", pw);
}

std::unique_ptr<pg::Connection> connect_as(const Role& r) {
    auto c = pg::Connection::connect(r.url);
    if (!c) throw std::runtime_error("cannot connect as " + r.name + ": " + c.error().message);
    return std::move(*c);
}

// The roles that must not write notice state. The workers' role is the only one that may.
std::vector<Role> non_worker_roles() {
    return {{"ocmsiz_app_conn", env("OCMS_EDGE_PG_URL")},
            {"ocms_support", env("OCMS_SUPPORT_PG_URL")},
            {"ocms_scheduler", env("OCMS_SCHEDULER_PG_URL")},
            {"ocms_readonly", env("OCMS_PG_URL")},
            {"ocmsez_app_conn", internet_url()}};
}

std::vector<std::string> public_tables() {
    auto db = owner_db();
    auto r = db->exec(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' "
        "ORDER BY 1");
    if (!r) throw std::runtime_error(r.error().message);
    std::vector<std::string> out;
    for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->get(i, 0));
    return out;
}

// A column that may be assigned (not an identity or generated one, which fail before the privilege check).
std::string first_column(const std::string& table) {
    auto db = owner_db();
    auto r = db->exec(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 "
        "AND is_identity = 'NO' AND is_generated = 'NEVER' ORDER BY ordinal_position LIMIT 1",
        {table});
    if (!r || r->rows() != 1) throw std::runtime_error("no columns for " + table);
    return std::string(r->get(0, 0));
}

// Runs sql in a transaction that is always rolled back; returns the SQLSTATE ("" = it succeeded).
std::string sqlstate_of(pg::Connection& db, const std::string& sql) {
    if (!db.command("BEGIN")) throw std::runtime_error("BEGIN failed");
    auto r = db.exec(sql);
    (void)db.command("ROLLBACK");
    return r ? std::string() : r.error().sqlstate;
}

// A table's identifier is not a value: the names come from the catalog above, quoted as such.
std::string ident(const std::string& name) { return "\"" + name + "\""; }

TEST(DbRoles, OnlyTheWorkersChangeNoticeState) {
    int refused = 0;
    for (const auto& role : non_worker_roles()) {
        auto db = connect_as(role);
        for (const auto& t : kNoticeTables) {
            const std::string col = ident(first_column(t));
            std::vector<std::pair<std::string, std::string>> statements = {
                {"INSERT", "INSERT INTO " + ident(t) + " DEFAULT VALUES"},
                // WHERE false: the privilege is checked all the same, and a wrong grant touches no row
                {"UPDATE", "UPDATE " + ident(t) + " SET " + col + " = " + col + " WHERE false"},
                {"DELETE", "DELETE FROM " + ident(t) + " WHERE false"},
                {"TRUNCATE", "TRUNCATE " + ident(t)},
            };
            for (const auto& [what, sql] : statements) {
                // The internet zone updates its own copy (spec 002 API 5: "Use ocmsez_app_conn").
                if (role.name == "ocmsez_app_conn" && t == "eocms_valid_offence_notice" && what == "UPDATE") continue;
                EXPECT_EQ(sqlstate_of(*db, sql), "42501") << role.name << ": " << sql;
                ++refused;
            }
        }
    }
    EXPECT_EQ(refused, 5 * 7 * 4 - 1);
}

// The control: the same statements as the workers' role are not refused for lack of privilege
// (the test would pass against a database that refuses everything otherwise).
TEST(DbRoles, TheWorkersRoleMayChangeNoticeState) {
    auto db = connect_as({"ocms_worker", env("OCMS_WORKER_PG_URL")});
    for (const auto& t : kNoticeTables) {
        const std::string col = ident(first_column(t));
        EXPECT_NE(sqlstate_of(*db, "UPDATE " + ident(t) + " SET " + col + " = " + col + " WHERE false"), "42501") << t;
        EXPECT_NE(sqlstate_of(*db, "DELETE FROM " + ident(t) + " WHERE false"), "42501") << t;
        EXPECT_NE(sqlstate_of(*db, "INSERT INTO " + ident(t) + " SELECT * FROM " + ident(t) + " WHERE false"), "42501")
            << t;
        // TRUNCATE is nobody's but the owner's, the workers' included.
        EXPECT_EQ(sqlstate_of(*db, "TRUNCATE " + ident(t)), "42501") << t;
    }
}

TEST(DbRoles, TheInternetZoneReadsOnlyItsOwnCopy) {
    auto db = connect_as({"ocmsez_app_conn", internet_url()});
    int refused = 0;
    for (const auto& t : public_tables()) {
        const std::string sql = "SELECT * FROM " + ident(t) + " LIMIT 1";
        if (t == "eocms_valid_offence_notice") {
            EXPECT_EQ(sqlstate_of(*db, sql), "") << "the internet zone reads its copy";
            continue;
        }
        EXPECT_EQ(sqlstate_of(*db, sql), "42501") << "ocmsez_app_conn reads the intranet's " << t;
        ++refused;
    }
    EXPECT_GE(refused, 25);
    // Nor through a column of the intranet's notice table, or its sequences.
    EXPECT_EQ(sqlstate_of(*db, "SELECT notice_no FROM ocms_valid_offence_notice LIMIT 1"), "42501");
    auto seq = db->exec(
        "SELECT count(*) FROM information_schema.sequences s WHERE s.sequence_schema = 'public' "
        "AND has_sequence_privilege('ocmsez_app_conn', quote_ident(s.sequence_name), 'USAGE,SELECT,UPDATE')");
    ASSERT_TRUE(seq) << seq.error().message;
    EXPECT_EQ(seq->get_int(0, 0), 0);
}

// Every role's table privileges beyond SELECT, as the catalog reports them (grants to PUBLIC and
// through role membership included), against the list the migrations mean.
TEST(DbRoles, WritePrivilegesAreExactlyTheIntendedOnes) {
    using Grants = std::set<std::string>;  // "table PRIVILEGE", "table UPDATE(columns)" for column grants (also INSERT)
    const std::map<std::string, Grants> expected = {
        // the edge: the two query logs the spec ties to a read, and the change-stage report index
        {"ocmsiz_app_conn",
         {"ocms_cas_emcons INSERT", "ocms_court_case INSERT", "ocms_change_stage_report INSERT",
          // and a job request (what job, by whom): never its status or outcome
          "ocms_job_request INSERT(columns)"}},
        // the internet zone: its own copy
        {"ocmsez_app_conn", {"eocms_valid_offence_notice UPDATE"}},
        {"ocms_readonly", {}},
        // the support console and ocms-replay: runs, actions, and the status columns of what they resolve
        {"ocms_support",
         {"ocms_replay_run INSERT", "ocms_replay_run UPDATE", "ocms_support_action INSERT",
          "ocms_dead_letter UPDATE(columns)", "ocms_parked_command UPDATE(columns)",
          "ocms_parked_notice UPDATE(columns)"}},
        // the scheduler: the VIP list it refreshes and the purge of what outlived its retention
        {"ocms_scheduler",
         {"ocms_vip_vehicle INSERT", "ocms_vip_vehicle DELETE", "ocms_command_inbox DELETE",
          "ocms_command_audit DELETE", "ocms_dead_letter DELETE", "ocms_parked_command DELETE",
          "ocms_support_action INSERT",
          // and the answer to a job request
          "ocms_job_request UPDATE(columns)"}},
        // the workers: notice state, the inbox, what they record and park; never reference data
        {"ocms_worker",
         {"ocms_valid_offence_notice INSERT",        "ocms_valid_offence_notice UPDATE",
          "ocms_valid_offence_notice DELETE",        "eocms_valid_offence_notice INSERT",
          "eocms_valid_offence_notice UPDATE",       "eocms_valid_offence_notice DELETE",
          "ocms_suspended_notice INSERT",            "ocms_suspended_notice UPDATE",
          "ocms_suspended_notice DELETE",            "ocms_offence_notice_owner_driver INSERT",
          "ocms_offence_notice_owner_driver UPDATE", "ocms_offence_notice_owner_driver DELETE",
          "ocms_offence_notice_detail INSERT",       "ocms_offence_notice_detail UPDATE",
          "ocms_offence_notice_detail DELETE",       "ocms_change_of_processing INSERT",
          "ocms_change_of_processing UPDATE",        "ocms_change_of_processing DELETE",
          "ocms_command_inbox INSERT",               "ocms_command_inbox UPDATE",
          "ocms_command_inbox DELETE",               "ocms_hst INSERT",
          "ocms_hst UPDATE",                         "ocms_hst DELETE",
          "ocms_command_audit INSERT",               "ocms_dead_letter INSERT",
          "ocms_parked_notice INSERT",               "ocms_parked_notice UPDATE",
          "ocms_parked_notice DELETE",               "ocms_parked_command INSERT",
          "ocms_parked_command UPDATE",              "ocms_parked_command DELETE"}},
    };
    auto db = owner_db();
    for (const auto& [role, want] : expected) {
        auto r = db->exec(
            "SELECT t.table_name, p.priv, has_table_privilege($1, quote_ident(t.table_name), p.priv), "
            "p.priv IN ('INSERT', 'UPDATE') AND has_any_column_privilege($1, quote_ident(t.table_name), p.priv) "
            "FROM information_schema.tables t "
            "CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p(priv) "
            "WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' ORDER BY 1, 2",
            {role});
        ASSERT_TRUE(r) << r.error().message;
        Grants have;
        for (int i = 0; i < r->rows(); ++i) {
            const std::string table(r->get(i, 0)), priv(r->get(i, 1));
            if (r->get_bool(i, 2)) have.insert(table + " " + priv);
            else if (r->get_bool(i, 3)) have.insert(table + " " + priv + "(columns)");
        }
        EXPECT_EQ(have, want) << role;
    }
}

TEST(DbRoles, NoRoleCanCreateOrActAsAnother) {
    auto db = owner_db();
    auto roles = db->exec(
        "SELECT rolname, rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls OR rolreplication, "
        "has_schema_privilege(rolname, 'public', 'CREATE'), has_database_privilege(rolname, current_database(), "
        "'CREATE') FROM pg_roles WHERE rolname IN ('ocmsiz_app_conn', 'ocmsez_app_conn', 'ocms_worker', "
        "'ocms_readonly', 'ocms_scheduler', 'ocms_support') ORDER BY 1");
    ASSERT_TRUE(roles) << roles.error().message;
    EXPECT_EQ(roles->rows(), 6);
    for (int i = 0; i < roles->rows(); ++i) {
        std::string name(roles->get(i, 0));
        EXPECT_FALSE(roles->get_bool(i, 1)) << name << " has a superuser-like attribute";
        EXPECT_FALSE(roles->get_bool(i, 2)) << name << " may create objects in schema public";
        EXPECT_FALSE(roles->get_bool(i, 3)) << name << " may create schemas";
    }
    // No role is a member of another (which would lend it the other's grants).
    auto members = db->exec(
        "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
        "WHERE r.rolname IN ('ocmsiz_app_conn', 'ocmsez_app_conn', 'ocms_worker', 'ocms_readonly', "
        "'ocms_scheduler', 'ocms_support')");
    ASSERT_TRUE(members) << members.error().message;
    EXPECT_EQ(members->get_int(0, 0), 0);
    // No function of schema public runs with its owner's rights (a way around every grant above).
    auto definer = db->exec(
        "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public' AND p.prosecdef");
    ASSERT_TRUE(definer) << definer.error().message;
    EXPECT_EQ(definer->get_int(0, 0), 0);
}

}  // namespace
}  // namespace ocms::test
