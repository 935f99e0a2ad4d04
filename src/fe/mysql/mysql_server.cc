#include "fe/mysql/mysql_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/rand.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include "common/logging.h"
#include "common/sql_errors.h"
#include "common/string_util.h"
#include "common/sha1.h"
#include "fe/mysql/packet.h"
#include "fe/qe/executor.h"
#include "fe/qe/system_tables.h"
#include "fe/sql/parser.h"

namespace basalt::fe::mysql {
namespace {

// Capability flags (MySQL CLIENT_*).
constexpr uint32_t kClientLongPassword = 0x1;
constexpr uint32_t kClientConnectWithDb = 0x8;
constexpr uint32_t kClientProtocol41 = 0x200;
constexpr uint32_t kClientSsl = 0x800;
constexpr uint32_t kClientSecureConnection = 0x8000;
constexpr uint32_t kClientMultiStatements = 0x10000;
constexpr uint32_t kClientPluginAuth = 0x80000;
constexpr uint32_t kClientConnectAttrs = 0x100000;
constexpr uint32_t kClientPluginAuthLenenc = 0x200000;
// LONG_PASSWORD | FOUND_ROWS | LONG_FLAG | CONNECT_WITH_DB | PROTOCOL_41 | INTERACTIVE |
// TRANSACTIONS | SECURE_CONNECTION | MULTI_STATEMENTS | MULTI_RESULTS | PS_MULTI_RESULTS |
// PLUGIN_AUTH | CONNECT_ATTRS | PLUGIN_AUTH_LENENC_CLIENT_DATA. No DEPRECATE_EOF (classic EOFs),
// no QUERY_ATTRIBUTES / OPTIONAL_RESULTSET_METADATA (they change packet layouts).
constexpr uint32_t kServerCapabilities = 0x003FA60F;

constexpr uint16_t kStatusInTrans = 0x0001;
constexpr uint16_t kStatusAutocommit = 0x0002;
constexpr uint16_t kStatusMoreResults = 0x0008;

constexpr uint8_t kCollationUtf8mb4 = 255;  // utf8mb4_0900_ai_ci
constexpr uint16_t kCharsetText = 33;       // utf8_general_ci, what StarRocks reports for text
constexpr uint16_t kCharsetBinary = 63;

// Column types.
enum : uint8_t {
  kTypeTiny = 1, kTypeShort = 2, kTypeLong = 3, kTypeFloat = 4, kTypeDouble = 5, kTypeNull = 6,
  kTypeTimestamp = 7, kTypeLongLong = 8, kTypeInt24 = 9, kTypeDate = 10, kTypeTime = 11, kTypeDateTime = 12,
  kTypeYear = 13, kTypeVarchar = 15, kTypeBit = 16, kTypeJson = 245, kTypeNewDecimal = 246, kTypeBlob = 252,
  kTypeVarString = 253, kTypeString = 254,
};

// Column flags.
constexpr uint16_t kFlagNotNull = 1;
constexpr uint16_t kFlagBinary = 128;
constexpr uint16_t kFlagNum = 32768;

const char kNativePlugin[] = "mysql_native_password";

struct WireType {
  uint8_t type;
  uint32_t length;
  uint16_t charset;
  uint16_t flags;
  uint8_t decimals;
};

WireType ToWire(const DataType& t) {
  switch (t.id) {
    case TypeId::kNull: return {kTypeNull, 0, kCharsetBinary, kFlagBinary, 0};
    case TypeId::kBoolean: return {kTypeTiny, 1, kCharsetBinary, kFlagNum, 0};
    case TypeId::kTinyInt: return {kTypeTiny, 4, kCharsetBinary, kFlagNum, 0};
    case TypeId::kSmallInt: return {kTypeShort, 6, kCharsetBinary, kFlagNum, 0};
    case TypeId::kInt: return {kTypeLong, 11, kCharsetBinary, kFlagNum, 0};
    case TypeId::kBigInt: return {kTypeLongLong, 20, kCharsetBinary, kFlagNum, 0};
    case TypeId::kLargeInt: return {kTypeNewDecimal, 40, kCharsetBinary, kFlagNum, 0};
    case TypeId::kFloat: return {kTypeFloat, 12, kCharsetBinary, kFlagNum, 31};
    case TypeId::kDouble: return {kTypeDouble, 22, kCharsetBinary, kFlagNum, 31};
    case TypeId::kDecimal:
      return {kTypeNewDecimal, static_cast<uint32_t>(t.precision + 2), kCharsetBinary, kFlagNum,
              static_cast<uint8_t>(t.scale)};
    case TypeId::kDate: return {kTypeDate, 10, kCharsetBinary, kFlagBinary, 0};
    case TypeId::kDateTime: return {kTypeDateTime, 19, kCharsetBinary, kFlagBinary, 0};
    default: {
      uint32_t chars = t.length > 0 ? static_cast<uint32_t>(t.length) : 65533;
      return {kTypeVarString, chars * 4, kCharsetText, 0, 0};
    }
  }
}

std::string Scramble() {
  // 20 printable-ish bytes without NUL or '$' (some clients treat the parts as C strings).
  unsigned char raw[20];
  if (RAND_bytes(raw, sizeof(raw)) != 1) {
    for (auto& b : raw) b = static_cast<unsigned char>(std::rand());
  }
  std::string s(20, '\0');
  for (int i = 0; i < 20; ++i) {
    unsigned char c = raw[i] & 0x7F;
    if (c == 0 || c == '$') c += 1;
    s[i] = static_cast<char>(c);
  }
  return s;
}

// mysql_native_password: client sends SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))). Given the
// stored SHA1(SHA1(pw)), recover SHA1(pw) and check that hashing it gives the stored value.
bool CheckNativePassword(const std::string& stored, std::string_view scramble, std::string_view response) {
  if (stored.empty()) return response.empty();
  if (response.size() != 20 || stored.size() != 20) return false;
  std::string mask = Sha1(std::string(scramble) + stored);
  std::string candidate(20, '\0');
  for (int i = 0; i < 20; ++i) candidate[i] = static_cast<char>(response[i] ^ mask[i]);
  return Sha1(candidate) == stored;
}

std::string OkPacket(uint64_t affected, uint64_t last_insert_id, uint16_t status, uint16_t warnings,
                     std::string_view info = "") {
  PacketWriter w;
  w.Int1(0x00).LenEncInt(affected).LenEncInt(last_insert_id).Int2(status).Int2(warnings);
  // Connector/J always reads the info string, so it is always written (empty = one 0x00 byte).
  w.LenEncString(info);
  return w.Take();
}

std::string EofPacket(uint16_t status, uint16_t warnings = 0) {
  PacketWriter w;
  w.Int1(0xFE).Int2(warnings).Int2(status);
  return w.Take();
}

std::string ErrPacket(const Status& status) {
  SqlError e = status.sql_error();
  PacketWriter w;
  w.Int1(0xFF).Int2(e.number).Int1('#').Bytes(std::string_view(e.state, 5)).Bytes(status.message());
  return w.Take();
}

std::string ColumnDefinition(const ResultColumn& c, bool with_default = false) {
  WireType wt = ToWire(c.type);
  PacketWriter w;
  w.LenEncString("def").LenEncString(c.schema).LenEncString(c.table).LenEncString(c.org_table);
  w.LenEncString(c.name).LenEncString(c.org_name.empty() ? c.name : c.org_name);
  w.LenEncInt(0x0C).Int2(wt.charset).Int4(wt.length).Int1(wt.type);
  w.Int2(wt.flags | (c.not_null ? kFlagNotNull : 0)).Int1(wt.decimals).Int2(0);
  if (with_default) w.Int1(0xFB);  // COM_FIELD_LIST: no default value
  return w.Take();
}

std::string TextRow(const Chunk& chunk, size_t row) {
  PacketWriter w;
  for (const ColumnPtr& column : chunk.columns) {
    if (column->IsNull(row)) {
      w.Int1(0xFB);
    } else {
      w.LenEncString(column->FormatRow(row));
    }
  }
  return w.Take();
}

std::string BinaryRow(const std::vector<ResultColumn>& columns, const Chunk& chunk, size_t row) {
  PacketWriter w;
  w.Int1(0x00);
  std::string bitmap((columns.size() + 9) / 8, '\0');
  for (size_t c = 0; c < columns.size(); ++c) {
    if (chunk.columns[c]->IsNull(row)) bitmap[(c + 2) / 8] |= static_cast<char>(1 << ((c + 2) % 8));
  }
  w.Bytes(bitmap);
  for (size_t c = 0; c < columns.size(); ++c) {
    const Column& col = *chunk.columns[c];
    if (col.IsNull(row)) continue;
    WireType wt = ToWire(columns[c].type);
    switch (wt.type) {
      case kTypeTiny: w.Int1(static_cast<uint8_t>(col.GetInt(row))); break;
      case kTypeShort: w.Int2(static_cast<uint16_t>(col.GetInt(row))); break;
      case kTypeLong: w.Int4(static_cast<uint32_t>(col.GetInt(row))); break;
      case kTypeLongLong: w.Int8(static_cast<uint64_t>(col.GetInt(row))); break;
      case kTypeFloat: {
        float f = static_cast<float>(col.GetDouble(row));
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        w.Int4(bits);
        break;
      }
      case kTypeDouble: {
        double d = col.GetDouble(row);
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        w.Int8(bits);
        break;
      }
      case kTypeDate:
      case kTypeDateTime: {
        int64_t micros = columns[c].type.id == TypeId::kDate ? col.GetInt(row) * 86400000000LL : col.GetInt(row);
        int64_t days = micros / 86400000000LL - (micros % 86400000000LL < 0 ? 1 : 0);
        int64_t rem = micros - days * 86400000000LL;
        int64_t y;
        unsigned mo, d;
        CivilFromDays(days, &y, &mo, &d);
        int64_t secs = rem / 1000000, frac = rem % 1000000;
        if (wt.type == kTypeDate) {
          w.Int1(4).Int2(static_cast<uint16_t>(y)).Int1(static_cast<uint8_t>(mo)).Int1(static_cast<uint8_t>(d));
        } else {
          w.Int1(frac ? 11 : 7).Int2(static_cast<uint16_t>(y)).Int1(static_cast<uint8_t>(mo)).Int1(static_cast<uint8_t>(d));
          w.Int1(static_cast<uint8_t>(secs / 3600)).Int1(static_cast<uint8_t>(secs / 60 % 60)).Int1(static_cast<uint8_t>(secs % 60));
          if (frac) w.Int4(static_cast<uint32_t>(frac));
        }
        break;
      }
      default: w.LenEncString(col.FormatRow(row)); break;
    }
  }
  return w.Take();
}

// Decodes one binary-protocol parameter of the given wire type.
Result<Value> DecodeParam(PacketReader& r, uint8_t type, bool is_unsigned) {
  switch (type) {
    case kTypeNull: return Value::Null();
    case kTypeTiny: {
      ASSIGN_OR_RETURN(uint8_t v, r.Int1());
      return Value::Int(is_unsigned ? v : static_cast<int8_t>(v));
    }
    case kTypeShort:
    case kTypeYear: {
      ASSIGN_OR_RETURN(uint16_t v, r.Int2());
      return Value::Int(is_unsigned ? v : static_cast<int16_t>(v));
    }
    case kTypeLong:
    case kTypeInt24: {
      ASSIGN_OR_RETURN(uint32_t v, r.Int4());
      return Value::Int(is_unsigned ? static_cast<int64_t>(v) : static_cast<int32_t>(v));
    }
    case kTypeLongLong: {
      ASSIGN_OR_RETURN(uint64_t v, r.Int8());
      if (is_unsigned && v > static_cast<uint64_t>(INT64_MAX)) return Value::Double(static_cast<double>(v));
      return Value::Int(static_cast<int64_t>(v));
    }
    case kTypeFloat: {
      ASSIGN_OR_RETURN(uint32_t bits, r.Int4());
      float f;
      std::memcpy(&f, &bits, 4);
      return Value::Double(f);
    }
    case kTypeDouble: {
      ASSIGN_OR_RETURN(uint64_t bits, r.Int8());
      double d;
      std::memcpy(&d, &bits, 8);
      return Value::Double(d);
    }
    case kTypeDate:
    case kTypeDateTime:
    case kTypeTimestamp: {
      ASSIGN_OR_RETURN(uint8_t len, r.Int1());
      uint16_t y = 0;
      uint8_t mo = 1, d = 1, h = 0, mi = 0, s = 0;
      uint32_t us = 0;
      if (len >= 4) {
        ASSIGN_OR_RETURN(y, r.Int2());
        ASSIGN_OR_RETURN(mo, r.Int1());
        ASSIGN_OR_RETURN(d, r.Int1());
      }
      if (len >= 7) {
        ASSIGN_OR_RETURN(h, r.Int1());
        ASSIGN_OR_RETURN(mi, r.Int1());
        ASSIGN_OR_RETURN(s, r.Int1());
      }
      if (len >= 11) {
        ASSIGN_OR_RETURN(us, r.Int4());
      }
      if (len != 0 && len != 4 && len != 7 && len != 11) return Status::Corruption("bad date parameter length");
      int64_t micros = (DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * 1000000 + us;
      if (type == kTypeDate) return Value::Int(micros / 86400000000LL, DataType::Date());
      return Value::Int(micros, DataType::DateTime());
    }
    case kTypeTime: {
      ASSIGN_OR_RETURN(uint8_t len, r.Int1());
      RETURN_IF_ERROR(r.Bytes(len).status());
      return Status::Sql(sql_errors::kNotSupportedYet, "TIME parameters are not supported");
    }
    default: {
      ASSIGN_OR_RETURN(std::string_view s, r.LenEncString());
      return Value::String(std::string(s));
    }
  }
}

struct PreparedStatement {
  std::string sql;
  std::unique_ptr<sql::Statement> statement;
  int num_params = 0;
  std::vector<ResultColumn> columns;
  std::vector<std::pair<uint8_t, bool>> param_types;  // Remembered across executions.
  std::map<int, std::string> long_data;
};

class Connection {
 public:
  Connection(int fd, std::string remote_host, uint32_t id, FeContext* fe, const MysqlServerOptions& options,
             Counter* queries, Counter* errors)
      : fd_(fd), channel_(fd, options.max_packet_bytes), fe_(fe), options_(options), queries_(queries), errors_(errors),
        session_(std::make_shared<Session>(id, remote_host, fe->globals)) {}

  void Run() {
    session_->socket_fd = fd_;
    Status s = Handshake();
    if (!s.ok()) {
      LOG(DEBUG) << "connection " << session_->connection_id() << " handshake failed: " << s.ToString();
      return;
    }
    fe_->sessions->Add(session_);
    CommandLoop();
    fe_->sessions->Remove(session_->connection_id());
  }

 private:
  uint16_t StatusFlags() const {
    uint16_t flags = session_->autocommit() ? kStatusAutocommit : 0;
    if (session_->in_transaction) flags |= kStatusInTrans;
    return flags;
  }
  uint16_t WarningCount() const { return static_cast<uint16_t>(std::min<size_t>(session_->warnings.size(), 65535)); }

  Status SendError(const Status& status) {
    channel_.Write(ErrPacket(status));
    return channel_.Flush();
  }

  Status Handshake() {
    timeval tv{options_.handshake_timeout_seconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    scramble_ = Scramble();
    PacketWriter g;
    g.Int1(10).NulString("8.0.33").Int4(session_->connection_id()).Bytes(std::string_view(scramble_).substr(0, 8)).Int1(0);
    g.Int2(kServerCapabilities & 0xFFFF).Int1(kCollationUtf8mb4).Int2(kStatusAutocommit);
    g.Int2(kServerCapabilities >> 16).Int1(21).Zeros(10);
    g.Bytes(std::string_view(scramble_).substr(8, 12)).Int1(0).NulString(kNativePlugin);
    channel_.Write(g.data());
    RETURN_IF_ERROR(channel_.Flush());

    ASSIGN_OR_RETURN(std::string response, channel_.Read());
    PacketReader r(response);
    ASSIGN_OR_RETURN(uint32_t caps, r.Int4());
    if (!(caps & kClientProtocol41)) {
      (void)SendError(Status::Sql(sql_errors::kNotSupportedAuthMode, "Client does not support the 4.1 protocol"));
      return Status::InvalidArgument("pre-4.1 client");
    }
    if ((caps & kClientSsl) && response.size() == 32) {
      (void)SendError(Status::Sql(sql_errors::kHandshakeError, "SSL is not enabled on this server"));
      return Status::NotSupported("SSL request");
    }
    client_caps_ = caps & (kServerCapabilities | kClientSsl);
    RETURN_IF_ERROR(r.Int4().status());  // max packet
    RETURN_IF_ERROR(r.Int1().status());  // collation: any value is accepted
    RETURN_IF_ERROR(r.Bytes(23).status());
    ASSIGN_OR_RETURN(std::string_view user, r.NulString());
    std::string_view auth;
    if (caps & kClientPluginAuthLenenc) {
      ASSIGN_OR_RETURN(auth, r.LenEncString());
    } else if (caps & kClientSecureConnection) {
      ASSIGN_OR_RETURN(uint8_t len, r.Int1());
      ASSIGN_OR_RETURN(auth, r.Bytes(len));
    } else {
      ASSIGN_OR_RETURN(auth, r.NulString());
    }
    std::string db;
    if ((caps & kClientConnectWithDb) && !r.AtEnd()) {
      ASSIGN_OR_RETURN(std::string_view d, r.NulString());
      db = std::string(d);
    }
    std::string plugin = kNativePlugin;
    if ((caps & kClientPluginAuth) && !r.AtEnd()) {
      ASSIGN_OR_RETURN(std::string_view p, r.NulString());
      if (!p.empty()) plugin = std::string(p);
    }
    // Connection attributes (CLIENT_CONNECT_ATTRS) are not used.
    std::string auth_response(auth);
    if (plugin != kNativePlugin) {
      // Ask the client to answer with mysql_native_password against the same scramble.
      PacketWriter sw;
      sw.Int1(0xFE).NulString(kNativePlugin).Bytes(scramble_).Int1(0);
      channel_.Write(sw.data());
      RETURN_IF_ERROR(channel_.Flush());
      ASSIGN_OR_RETURN(auth_response, channel_.Read());
    }
    RETURN_IF_ERROR(Authenticate(std::string(user), auth_response));

    if (!db.empty()) {
      // Superset and others send "catalog.db"; only the internal catalog exists.
      if (StartsWithIgnoreCase(db, "default_catalog.")) db = db.substr(16);
      Executor executor(fe_, session_.get());
      Result<QueryResult> used = executor.Execute(*UseStatement(db));
      if (!used.ok()) {
        (void)SendError(used.status());
        return used.status();
      }
    }
    timeval none{0, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
    multi_statements_ = client_caps_ & kClientMultiStatements;
    channel_.Write(OkPacket(0, 0, StatusFlags(), 0));
    return channel_.Flush();
  }

  static std::unique_ptr<sql::Statement> UseStatement(const std::string& db) {
    auto stmt = std::make_unique<sql::Statement>(sql::StatementKind::kUse);
    stmt->db = db;
    return stmt;
  }

  Status Authenticate(const std::string& user, std::string_view response) {
    auto meta = fe_->catalog->FindUser(user);
    if (!meta || !CheckNativePassword(meta->password_sha1_sha1(), scramble_, response)) {
      Status denied = Status::Sql(sql_errors::kAccessDenied, "Access denied for user '" + user + "'@'" +
                                                                 session_->remote_host() + "' (using password: " +
                                                                 (response.empty() ? "NO" : "YES") + ")");
      LOG(INFO) << "login failed for user '" << user << "' from " << session_->remote_host();
      (void)SendError(denied);
      return denied;
    }
    session_->set_user(user);
    return Status::OK();
  }

  void CommandLoop() {
    while (!session_->kill_connection) {
      channel_.ResetSequence();
      session_->SetCommand("Sleep", "");
      Result<std::string> packet = channel_.Read();
      if (!packet.ok()) {
        if (packet.status().has_explicit_sql_error()) (void)SendError(packet.status());  // too large
        return;
      }
      if (packet->empty()) {
        if (!SendError(Status::Sql(sql_errors::kUnknownCommand, "Empty command packet")).ok()) return;
        continue;
      }
      // A KILL from another session may have arrived while this one was waiting for the client;
      // data the client sent before that must not run.
      if (session_->kill_connection) return;
      uint8_t command = static_cast<uint8_t>((*packet)[0]);
      std::string_view body = std::string_view(*packet).substr(1);
      session_->kill_query = false;
      Status s = Dispatch(command, body);
      if (!s.ok()) return;  // I/O failure or the client quit
    }
  }

  // Returns non-OK only when the connection must close.
  Status Dispatch(uint8_t command, std::string_view body) {
    switch (command) {
      case 0x01:  // COM_QUIT
        return Status::Cancelled("quit");
      case 0x02: {  // COM_INIT_DB
        Executor executor(fe_, session_.get());
        Result<QueryResult> r = executor.Execute(*UseStatement(std::string(body)));
        return SendResult(r, true);
      }
      case 0x03:  // COM_QUERY
        return HandleQuery(std::string(body));
      case 0x04:  // COM_FIELD_LIST
        return HandleFieldList(body);
      case 0x09: {  // COM_STATISTICS: a plain string, no OK header
        std::string stats = "Uptime: " + std::to_string((NowMillis() - fe_->frontend.start_time_ms) / 1000) +
                            "  Threads: " + std::to_string(fe_->sessions->size()) + "  Questions: " +
                            std::to_string(queries_->value());
        channel_.Write(stats);
        return channel_.Flush();
      }
      case 0x0C: {  // COM_PROCESS_KILL
        PacketReader r(body);
        Result<uint32_t> id = r.Int4();
        if (!id.ok()) return SendError(Status::Sql(sql_errors::kUnknownCommand, "Malformed COM_PROCESS_KILL"));
        return HandleQuery("KILL " + std::to_string(*id));
      }
      case 0x0E:  // COM_PING
        channel_.Write(OkPacket(0, 0, StatusFlags(), 0));
        return channel_.Flush();
      case 0x11:  // COM_CHANGE_USER
        return HandleChangeUser(body);
      case 0x16:  // COM_STMT_PREPARE
        return HandlePrepare(std::string(body));
      case 0x17:  // COM_STMT_EXECUTE
        return HandleExecute(body);
      case 0x18: {  // COM_STMT_SEND_LONG_DATA: no reply
        PacketReader r(body);
        Result<uint32_t> id = r.Int4();
        Result<uint16_t> param = r.Int2();
        if (id.ok() && param.ok()) {
          auto it = statements_.find(*id);
          if (it != statements_.end()) it->second.long_data[*param] += std::string(r.Rest());
        }
        return Status::OK();
      }
      case 0x19: {  // COM_STMT_CLOSE: no reply
        PacketReader r(body);
        if (Result<uint32_t> id = r.Int4(); id.ok()) statements_.erase(*id);
        return Status::OK();
      }
      case 0x1A: {  // COM_STMT_RESET
        PacketReader r(body);
        Result<uint32_t> id = r.Int4();
        if (!id.ok() || !statements_.count(*id)) {
          return SendError(Status::Sql(sql_errors::kUnknownStmtHandler, "Unknown prepared statement handler given to mysqld_stmt_reset"));
        }
        statements_[*id].long_data.clear();
        channel_.Write(OkPacket(0, 0, StatusFlags(), 0));
        return channel_.Flush();
      }
      case 0x1B: {  // COM_SET_OPTION: 0 = multi-statements on, 1 = off; answered with EOF
        PacketReader r(body);
        Result<uint16_t> option = r.Int2();
        if (!option.ok() || *option > 1) return SendError(Status::Sql(sql_errors::kUnknownCommand, "Unknown COM_SET_OPTION"));
        multi_statements_ = *option == 0;
        channel_.Write(EofPacket(StatusFlags()));
        return channel_.Flush();
      }
      case 0x1F:  // COM_RESET_CONNECTION
        session_->Reset();
        session_->in_transaction = false;
        statements_.clear();
        channel_.Write(OkPacket(0, 0, StatusFlags(), 0));
        return channel_.Flush();
      default:
        return SendError(Status::Sql(sql_errors::kUnknownCommand, "Unknown command " + std::to_string(command)));
    }
  }

  // Sends an OK or an ERR for a statement that returns no rows (COM_INIT_DB).
  Status SendResult(const Result<QueryResult>& r, bool last) {
    if (!r.ok()) return SendError(r.status());
    return SendQueryResult(*r, last, false);
  }

  Status SendQueryResult(const QueryResult& result, bool last, bool binary) {
    uint16_t status = StatusFlags() | (last ? 0 : kStatusMoreResults);
    if (!result.has_result_set) {
      channel_.Write(OkPacket(result.affected_rows, result.last_insert_id, status, WarningCount(), result.info));
      return channel_.Flush();
    }
    PacketWriter count;
    count.LenEncInt(result.columns.size());
    channel_.Write(count.data());
    for (const ResultColumn& c : result.columns) channel_.Write(ColumnDefinition(c));
    channel_.Write(EofPacket(status, WarningCount()));
    for (const Chunk& chunk : result.chunks) {
      for (size_t row = 0; row < chunk.num_rows; ++row) {
        channel_.Write(binary ? BinaryRow(result.columns, chunk, row) : TextRow(chunk, row));
      }
    }
    channel_.Write(EofPacket(status, WarningCount()));
    return channel_.Flush();
  }

  // Runs one statement with bookkeeping shared by COM_QUERY and COM_STMT_EXECUTE.
  Result<QueryResult> Run(const sql::Statement& stmt, std::string_view text, const std::vector<Value>* params) {
    queries_->Increment();
    bool keeps_warnings = stmt.kind == sql::StatementKind::kShow &&
                          (stmt.show->kind == sql::ShowKind::kWarnings || stmt.show->kind == sql::ShowKind::kErrors);
    if (!keeps_warnings) session_->warnings.clear();
    session_->SetCommand("Query", std::string(text));
    session_->set_query_start_ms(NowMillis());
    Executor executor(fe_, session_.get());
    Result<QueryResult> r = Status::Internal("statement did not run");
    try {
      r = executor.Execute(stmt, params);
    } catch (const std::bad_alloc&) {
      r = Status::ResourceExhausted("out of memory while executing the statement");
    } catch (const std::exception& e) {
      r = Status::Internal(std::string("unexpected exception: ") + e.what());
    }
    if (!r.ok()) {
      errors_->Increment();
      if (r.status().code() == StatusCode::kInternal) {
        LOG(ERROR) << "internal error for `" << text.substr(0, 200) << "`: " << r.status().ToString();
      }
    }
    return r;
  }

  Status HandleQuery(const std::string& sql) {
    Result<std::vector<std::unique_ptr<sql::Statement>>> parsed = sql::ParseStatements(sql);
    if (!parsed.ok()) {
      queries_->Increment();
      errors_->Increment();
      return SendError(parsed.status());
    }
    auto& statements = *parsed;
    if (statements.size() > 1 && !multi_statements_) {
      queries_->Increment();
      errors_->Increment();
      const sql::Statement& second = *statements[1];
      return SendError(Status::Sql(sql_errors::kParseError,
                                   "You have an error in your SQL syntax; multi-statements are not enabled for this "
                                   "connection, near '" + sql.substr(second.begin, 40) + "' at line 1"));
    }
    for (size_t i = 0; i < statements.size(); ++i) {
      const sql::Statement& stmt = *statements[i];
      std::string_view text = statements.size() == 1 ? std::string_view(sql)
                                                     : std::string_view(sql).substr(stmt.begin, stmt.end - stmt.begin);
      Result<QueryResult> r = Run(stmt, text, nullptr);
      if (!r.ok()) return SendError(r.status());  // later statements are not run
      RETURN_IF_ERROR(SendQueryResult(*r, i + 1 == statements.size(), false));
    }
    return Status::OK();
  }

  Status HandleFieldList(std::string_view body) {
    PacketReader r(body);
    Result<std::string_view> table = r.NulString();
    std::string name(table.ok() ? *table : body);
    std::string db = session_->current_db();
    if (db.empty()) return SendError(Status::Sql(sql_errors::kNoDatabaseSelected, "No database selected"));
    if (!EqualsIgnoreCase(db, kInformationSchema)) {
      return SendError(Status::Sql({1146, "42S02"}, "Table '" + db + "." + name + "' doesn't exist"));
    }
    auto system = BuildSystemTable(name, *fe_, *session_);
    if (!system) return SendError(Status::Sql({1146, "42S02"}, "Table '" + db + "." + name + "' doesn't exist"));
    for (const ResultColumn& c : system->columns) channel_.Write(ColumnDefinition(c, true));
    channel_.Write(EofPacket(StatusFlags()));
    return channel_.Flush();
  }

  Status HandleChangeUser(std::string_view body) {
    PacketReader r(body);
    Result<std::string_view> user = r.NulString();
    if (!user.ok()) return SendError(Status::Sql(sql_errors::kUnknownCommand, "Malformed COM_CHANGE_USER"));
    std::string db;
    if (Result<uint8_t> len = r.Int1(); len.ok() && r.Bytes(*len).ok()) {
      if (Result<std::string_view> d = r.NulString(); d.ok()) db = std::string(*d);
    }
    // Always re-authenticate with a fresh scramble through an auth switch.
    scramble_ = Scramble();
    PacketWriter sw;
    sw.Int1(0xFE).NulString(kNativePlugin).Bytes(scramble_).Int1(0);
    channel_.Write(sw.data());
    RETURN_IF_ERROR(channel_.Flush());
    ASSIGN_OR_RETURN(std::string response, channel_.Read());
    RETURN_IF_ERROR(Authenticate(std::string(*user), response));
    session_->Reset();
    session_->in_transaction = false;
    session_->set_current_db("");
    statements_.clear();
    if (!db.empty()) {
      Executor executor(fe_, session_.get());
      Result<QueryResult> used = executor.Execute(*UseStatement(db));
      if (!used.ok()) return SendError(used.status());
    }
    channel_.Write(OkPacket(0, 0, StatusFlags(), 0));
    return channel_.Flush();
  }

  Status HandlePrepare(const std::string& sql) {
    Result<std::unique_ptr<sql::Statement>> parsed = sql::ParseStatement(sql);
    if (!parsed.ok()) return SendError(parsed.status());
    PreparedStatement ps;
    ps.sql = sql;
    ps.statement = std::move(parsed).value();
    ps.num_params = ps.statement->num_placeholders;
    if (ps.statement->kind == sql::StatementKind::kSelect || ps.statement->kind == sql::StatementKind::kShow) {
      // Result metadata: run the (side-effect free) statement with NULL parameters.
      std::vector<Value> nulls(ps.num_params, Value::Null());
      Executor executor(fe_, session_.get());
      Result<QueryResult> probe = executor.Execute(*ps.statement, &nulls);
      if (probe.ok()) ps.columns = probe->columns;
    }
    uint32_t id = next_stmt_id_++;
    PacketWriter w;
    w.Int1(0x00).Int4(id).Int2(static_cast<uint16_t>(ps.columns.size())).Int2(static_cast<uint16_t>(ps.num_params));
    w.Int1(0x00).Int2(0);
    channel_.Write(w.data());
    if (ps.num_params > 0) {
      ResultColumn param;
      param.name = "?";
      param.type = DataType::Varchar();
      for (int i = 0; i < ps.num_params; ++i) channel_.Write(ColumnDefinition(param));
      channel_.Write(EofPacket(StatusFlags()));
    }
    if (!ps.columns.empty()) {
      for (const ResultColumn& c : ps.columns) channel_.Write(ColumnDefinition(c));
      channel_.Write(EofPacket(StatusFlags()));
    }
    statements_[id] = std::move(ps);
    return channel_.Flush();
  }

  Status HandleExecute(std::string_view body) {
    PacketReader r(body);
    Result<uint32_t> id = r.Int4();
    if (!id.ok()) return SendError(Status::Sql(sql_errors::kUnknownCommand, "Malformed COM_STMT_EXECUTE"));
    auto it = statements_.find(*id);
    if (it == statements_.end()) {
      return SendError(Status::Sql(sql_errors::kUnknownStmtHandler,
                                   "Unknown prepared statement handler (" + std::to_string(*id) + ") given to mysqld_stmt_execute"));
    }
    PreparedStatement& ps = it->second;
    Result<std::vector<Value>> params = DecodeExecuteParams(r, ps);
    if (!params.ok()) {
      Status bad = params.status().has_explicit_sql_error()
                       ? params.status()
                       : Status::Sql(sql_errors::kWrongArguments, "Incorrect arguments to mysqld_stmt_execute: " +
                                                                      params.status().message());
      return SendError(bad);
    }
    ps.long_data.clear();
    Result<QueryResult> result = Run(*ps.statement, ps.sql, &*params);
    if (!result.ok()) return SendError(result.status());
    return SendQueryResult(*result, true, true);
  }

  Result<std::vector<Value>> DecodeExecuteParams(PacketReader& r, PreparedStatement& ps) {
    RETURN_IF_ERROR(r.Int1().status());  // flags (cursor type): cursors are not opened
    RETURN_IF_ERROR(r.Int4().status());  // iteration count, always 1
    std::vector<Value> params;
    if (ps.num_params == 0) return params;
    ASSIGN_OR_RETURN(std::string_view null_bitmap, r.Bytes((ps.num_params + 7) / 8));
    ASSIGN_OR_RETURN(uint8_t new_params_bound, r.Int1());
    if (new_params_bound) {
      ps.param_types.clear();
      for (int i = 0; i < ps.num_params; ++i) {
        ASSIGN_OR_RETURN(uint16_t t, r.Int2());
        ps.param_types.emplace_back(static_cast<uint8_t>(t & 0xFF), (t & 0x8000) != 0);
      }
    } else if (static_cast<int>(ps.param_types.size()) != ps.num_params) {
      return Status::InvalidArgument("parameter types were never sent for this statement");
    }
    for (int i = 0; i < ps.num_params; ++i) {
      if (null_bitmap[i / 8] & (1 << (i % 8))) {
        params.push_back(Value::Null());
      } else if (auto ld = ps.long_data.find(i); ld != ps.long_data.end()) {
        params.push_back(Value::String(ld->second));
      } else {
        ASSIGN_OR_RETURN(Value v, DecodeParam(r, ps.param_types[i].first, ps.param_types[i].second));
        params.push_back(std::move(v));
      }
    }
    return params;
  }

  int fd_;
  PacketChannel channel_;
  FeContext* fe_;
  const MysqlServerOptions& options_;
  Counter* queries_;
  Counter* errors_;
  std::shared_ptr<Session> session_;
  std::string scramble_;
  uint32_t client_caps_ = 0;
  bool multi_statements_ = false;
  uint32_t next_stmt_id_ = 1;
  std::map<uint32_t, PreparedStatement> statements_;
};

}  // namespace

MysqlServer::MysqlServer(MysqlServerOptions options, FeContext* fe, MetricRegistry* metrics)
    : options_(std::move(options)), fe_(fe) {
  connections_total_ = metrics->GetCounter("basalt_fe_connections_total", "MySQL connections accepted.");
  connections_open_ = metrics->GetGauge("basalt_fe_connections", "MySQL connections open now.");
  queries_total_ = metrics->GetCounter("basalt_fe_queries_total", "Statements executed.");
  query_errors_total_ = metrics->GetCounter("basalt_fe_query_errors_total", "Statements that returned an error.");
}

MysqlServer::~MysqlServer() { Stop(); }

Status MysqlServer::Start() {
  std::string where = options_.host + ":" + std::to_string(options_.port);
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return Status::IOError("socket() failed: " + std::string(std::strerror(errno)));
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(options_.port));
  if (inet_pton(AF_INET, options_.host.c_str(), &addr.sin_addr) != 1) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    return Status::InvalidArgument("query address '" + options_.host + "' is not an IPv4 address");
  }
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(listen_fd_, 512) != 0) {
    Status s = Status::IOError("cannot listen for MySQL clients on " + where + ": " + std::strerror(errno));
    ::close(listen_fd_);
    listen_fd_ = -1;
    return s;
  }
  socklen_t len = sizeof(addr);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  bound_port_ = ntohs(addr.sin_port);
  accept_thread_ = std::thread([this] { AcceptLoop(); });
  LOG(INFO) << "MySQL protocol listening on " << options_.host << ":" << bound_port_;
  return Status::OK();
}

void MysqlServer::Stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
  if (accept_thread_.joinable()) accept_thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  std::unique_lock lock(threads_mu_);
  for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  connections_done_.wait(lock, [this] { return open_connections_.load() == 0; });
}

void MysqlServer::AcceptLoop() {
  while (!stopping_) {
    sockaddr_in peer{};
    socklen_t len = sizeof(peer);
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      if (errno == EINTR || errno == ECONNABORTED) continue;
      LOG(WARNING) << "accept failed: " << std::strerror(errno);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    char host[INET_ADDRSTRLEN] = {0};
    inet_ntop(AF_INET, &peer.sin_addr, host, sizeof(host));
    connections_total_->Increment();
    uint32_t id = next_connection_id_++;
    if (open_connections_.load() >= options_.max_connections) {
      PacketChannel channel(fd, 1024);
      channel.Write(ErrPacket(Status::Sql(sql_errors::kTooManyConnections, "Too many connections")));
      (void)channel.Flush();
      ::close(fd);
      continue;
    }
    std::lock_guard lock(threads_mu_);
    fds_.push_back(fd);
    ++open_connections_;
    connections_open_->Add(1);
    // Detached: Stop() waits for open_connections_ to reach zero instead of joining, so finished
    // connection threads never pile up in a long-running server.
    std::thread([this, fd, host = std::string(host), id] { ServeConnection(fd, host, id); }).detach();
  }
}

void MysqlServer::ServeConnection(int fd, std::string remote_host, uint32_t connection_id) {
  {
    Connection connection(fd, remote_host, connection_id, fe_, options_, queries_total_, query_errors_total_);
    connection.Run();
  }
  std::lock_guard lock(threads_mu_);
  fds_.erase(std::remove(fds_.begin(), fds_.end(), fd), fds_.end());
  ::close(fd);
  connections_open_->Add(-1);
  --open_connections_;
  connections_done_.notify_all();
}

}  // namespace basalt::fe::mysql
