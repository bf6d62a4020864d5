//! The env → dictionary-variable mapping of the deployment scripts (`main.al`,
//! `set_params.al`, §5.4), written as a table.
//!
//! Each row says which env key feeds which variable, how `set_params.al` normalises the value,
//! and what the scripts assign when the key is unset. Line numbers cite `set_params.al`.

/// How `set_params.al` turns an env value into a dictionary variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conversion {
    /// `if $X then x = $X`: copied when non-empty.
    Copy,
    /// `true` only for any casing of `true`, else the default (§5.3).
    Bool,
    /// `false` only for any casing of `false`, else `true`.
    BoolDefaultTrue,
    /// `if !x.int < 1 then x = 1`: non-numeric, zero and negatives become 1.
    AtLeastOne,
    /// Copied only when `.int` is a non-zero integer, then `< 1` becomes 1.
    NonZeroInt,
    /// Negative or non-numeric becomes 0.
    NonNegative,
    /// A non-zero integer `N` becomes `-Nd`; anything else is copied.
    StartDate,
    /// `master-operator` → `operator`, `master-publisher` → `publisher`.
    NodeType,
    /// Used verbatim only when its host is not `127.0.0.1`; otherwise rebuilt on the node.
    LedgerConn,
    /// Copied only when `.int` is a non-zero integer, as is (`member`).
    NonZeroIntAsIs,
    /// `true` for any casing of `true`, `false` for any casing of `false`, else unset.
    TrueFalse,
}

/// What the scripts assign when the env key is unset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// Nothing: the variable stays undefined.
    Unset,
    /// A literal value.
    Value(&'static str),
    /// A reference or path the scripts resolve (`!anylog_path/deployment-scripts`).
    Reference(&'static str),
    /// Words joined with `+` (`!node_type.name + - + !company_name.name + -configs`).
    Concat(&'static [&'static str]),
    /// By node type: master, operator, query, publisher, anything else (§5.4 ports).
    ByNodeType([&'static str; 5]),
    /// Computed on the node (an outbound lookup): decided at boot.
    AtBoot(&'static str),
    /// Computed after the table by the profile's own rules (`resolve/scope_edgelake.rs`),
    /// because the script decides it from several values.
    Derived,
}

/// One row of the mapping.
#[derive(Debug)]
pub struct Mapping {
    /// Env keys read, first non-empty wins.
    pub env: &'static [&'static str],
    /// The dictionary variable set.
    pub var: &'static str,
    /// How the value is normalised.
    pub conversion: Conversion,
    /// What happens when the env key is unset or empty.
    pub fallback: Fallback,
    /// Only applied when this variable is `true` (MQTT block).
    pub only_if: Option<&'static str>,
    /// Where the scripts do this.
    pub source: &'static str,
}

const fn row(
    env: &'static [&'static str],
    var: &'static str,
    conversion: Conversion,
    fallback: Fallback,
    source: &'static str,
) -> Mapping {
    Mapping {
        env,
        var,
        conversion,
        fallback,
        only_if: None,
        source,
    }
}

const fn mqtt(env: &'static [&'static str], var: &'static str, default: &'static str) -> Mapping {
    Mapping {
        env,
        var,
        conversion: Conversion::Copy,
        fallback: Fallback::Value(default),
        only_if: Some("enable_mqtt"),
        source: "set_params.al:306-335",
    }
}

use Conversion::*;
use Fallback::*;

/// Per-node-type default TCP ports (master, operator, query, publisher, other).
pub const TCP_PORTS: [&str; 5] = ["32048", "32148", "32348", "32248", "32548"];
/// Per-node-type default REST ports.
pub const REST_PORTS: [&str; 5] = ["32049", "32149", "32349", "32249", "32549"];

/// The EdgeLake profile, in the order the scripts apply it (later rows may read earlier ones).
pub static MAPPINGS: &[Mapping] = &[
    row(
        &["ANYLOG_PATH", "EDGELAKE_PATH"],
        "anylog_path",
        Copy,
        Value("/app"),
        "main.al:51-53",
    ),
    row(
        &["LOCAL_SCRIPTS"],
        "local_scripts",
        Copy,
        Reference("!anylog_path/deployment-scripts"),
        "main.al:57-59",
    ),
    row(
        &["TEST_DIR"],
        "test_dir",
        Copy,
        Reference("!anylog_path/deployment-scripts/test"),
        "main.al:58-60",
    ),
    row(&["NODE_TYPE"], "node_type", NodeType, Unset, "main.al:46"),
    row(
        &["IS_HIDDEN"],
        "is_hidden",
        Bool,
        Derived,
        "set_params.al:35",
    ),
    row(
        &["NODE_NAME"],
        "node_name",
        Copy,
        Concat(&["!hostname", " ", "!node_type"]),
        "set_params.al:37",
    ),
    row(
        &["COMPANY_NAME"],
        "company_name",
        Copy,
        Value("New Company"),
        "set_params.al:42",
    ),
    row(
        &["LOCATION"],
        "loc",
        Copy,
        AtBoot("looked up from ipinfo.io, else 0.0, 0.0"),
        "set_params.al:47",
    ),
    row(
        &["COUNTRY"],
        "country",
        Copy,
        AtBoot("looked up from ipinfo.io, else Unknown"),
        "set_params.al:48",
    ),
    row(
        &["STATE"],
        "state",
        Copy,
        AtBoot("looked up from ipinfo.io, else Unknown"),
        "set_params.al:49",
    ),
    row(
        &["CITY"],
        "city",
        Copy,
        AtBoot("looked up from ipinfo.io, else Unknown"),
        "set_params.al:50",
    ),
    row(&["BRANCH"], "branch", Copy, Unset, "set_params.al:51"),
    row(&["DEPT"], "dept", Copy, Unset, "set_params.al:52"),
    row(
        &["NIC_TYPE"],
        "nic_type",
        Copy,
        Unset,
        "set_params.al:79-83",
    ),
    row(
        &["ENABLE_DNS"],
        "enable_dns",
        Bool,
        Value("false"),
        "set_params.al:85",
    ),
    row(
        &["EXTERNAL_DNS"],
        "external_dns",
        Copy,
        Unset,
        "set_params.al:86",
    ),
    row(&["DNS"], "dns", Copy, Unset, "set_params.al:87"),
    row(
        &["ANYLOG_SERVER_PORT"],
        "anylog_server_port",
        Copy,
        ByNodeType(TCP_PORTS),
        "set_params.al:90-101",
    ),
    row(
        &["ANYLOG_REST_PORT"],
        "anylog_rest_port",
        Copy,
        ByNodeType(REST_PORTS),
        "set_params.al:91-102",
    ),
    row(
        &["ANYLOG_BROKER_PORT"],
        "anylog_broker_port",
        Copy,
        Unset,
        "set_params.al:104",
    ),
    row(
        &["TCP_BIND"],
        "tcp_bind",
        Bool,
        Value("false"),
        "set_params.al:106",
    ),
    row(
        &["TCP_THREADS"],
        "tcp_threads",
        AtLeastOne,
        Value("6"),
        "set_params.al:107-108",
    ),
    row(
        &["REST_BIND"],
        "rest_bind",
        Bool,
        Value("false"),
        "set_params.al:110",
    ),
    row(
        &["REST_THREADS"],
        "rest_threads",
        AtLeastOne,
        Value("6"),
        "set_params.al:111-112",
    ),
    row(
        &["REST_TIMEOUT"],
        "rest_timeout",
        NonNegative,
        Value("30"),
        "set_params.al:113-114",
    ),
    row(
        &["BROKER_BIND"],
        "broker_bind",
        Bool,
        Value("false"),
        "set_params.al:116",
    ),
    row(
        &[],
        "broker_threads",
        Copy,
        Value("6"),
        "set_params.al:117 (BROKER_THREADS is never read)",
    ),
    row(
        &["OVERLAY_IP"],
        "overlay_ip",
        Copy,
        Derived,
        "set_params.al:122",
    ),
    row(
        &["CONFIG_NAME"],
        "config_name",
        Copy,
        Concat(&["!node_type.name", "-", "!company_name.name", "-configs"]),
        "set_params.al:123",
    ),
    row(
        &["LEDGER_CONN"],
        "ledger_conn",
        LedgerConn,
        Derived,
        "set_params.al:127-140",
    ),
    row(
        &["DEFAULT_DBMS"],
        "default_dbms",
        Copy,
        Reference("!company_name.name"),
        "set_params.al:160",
    ),
    row(
        &["DB_TYPE"],
        "db_type",
        Copy,
        Value("sqlite"),
        "set_params.al:162-163",
    ),
    row(
        &["DB_USER"],
        "db_user",
        Copy,
        AtBoot("<user>@127.0.0.1:demo, set by the node"),
        "set_params.al:165",
    ),
    row(
        &["DB_PASSWD"],
        "db_passwd",
        Copy,
        Unset,
        "set_params.al:166",
    ),
    row(&["DB_IP"], "db_ip", Copy, Unset, "set_params.al:167"),
    row(
        &["DB_PORT"],
        "db_port",
        Copy,
        Value("5432"),
        "set_params.al:168",
    ),
    row(
        &["AUTOCOMMIT"],
        "autocommit",
        BoolDefaultTrue,
        Value("true"),
        "set_params.al:170",
    ),
    row(
        &["SYSTEM_QUERY"],
        "system_query",
        Bool,
        Derived,
        "set_params.al:171",
    ),
    row(
        &["MEMORY"],
        "memory",
        BoolDefaultTrue,
        Derived,
        "set_params.al:173",
    ),
    row(
        &["ENABLE_MCP"],
        "enable_mcp",
        Bool,
        Value("false"),
        "set_params.al:176",
    ),
    row(
        &["SYSTEM_QUERY_DB"],
        "system_query_db",
        Copy,
        Derived,
        "set_params.al:179",
    ),
    row(
        &["BLOBS_STORAGE"],
        "blobs_storage",
        Bool,
        Value("false"),
        "set_params.al:191",
    ),
    row(
        &["BLOBS_FOLDER"],
        "blobs_folder",
        BoolDefaultTrue,
        Derived,
        "set_params.al:194",
    ),
    row(
        &["BLOBS_COMPRESS"],
        "blobs_compress",
        BoolDefaultTrue,
        Value("true"),
        "set_params.al:198",
    ),
    row(
        &["BLOBS_REUSE"],
        "blobs_reuse",
        BoolDefaultTrue,
        Value("true"),
        "set_params.al:202",
    ),
    row(
        &["BLOB_STORAGE_TYPE"],
        "blob_storage_type",
        Copy,
        Unset,
        "set_params.al:207",
    ),
    row(
        &["BLOB_STORAGE_IP"],
        "blob_storage_ip",
        Copy,
        Unset,
        "set_params.al:208",
    ),
    row(
        &["BLOB_STORAGE_PORT"],
        "blob_storage_port",
        Copy,
        Unset,
        "set_params.al:209",
    ),
    row(
        &["BLOB_STORAGE_USER"],
        "blob_storage_user",
        Copy,
        Unset,
        "set_params.al:210",
    ),
    row(
        &["BLOB_STORAGE_PASSWORD"],
        "blob_storage_password",
        Copy,
        Unset,
        "set_params.al:211",
    ),
    row(
        &["BUCKET_GROUP"],
        "bucket_group",
        Copy,
        Unset,
        "set_params.al:215",
    ),
    row(
        &["BUCKET_ID"],
        "bucket_id",
        Copy,
        Unset,
        "set_params.al:216",
    ),
    row(
        &["BUCKET_ACCESS_KEY"],
        "bucket_access_key",
        Copy,
        Unset,
        "set_params.al:217",
    ),
    row(
        &["BUCKET_SECRETE_KEY"],
        "bucket_secrete_key",
        Copy,
        Unset,
        "set_params.al:218",
    ),
    row(
        &["BUCKET_REGION"],
        "bucket_region",
        Copy,
        Unset,
        "set_params.al:219",
    ),
    row(
        &["BLOCKCHAIN_SYNC"],
        "blockchain_sync",
        Copy,
        Value("30 seconds"),
        "set_params.al:233",
    ),
    row(
        &["BLOCKCHAIN_SOURCE"],
        "blockchain_source",
        Copy,
        Value("master"),
        "set_params.al:234",
    ),
    row(
        &["DESTINATION"],
        "blockchain_destination",
        Copy,
        Value("file"),
        "set_params.al:235",
    ),
    row(
        &["PROVIDER"],
        "provider",
        Copy,
        Value("https://optimism-sepolia.infura.io/v3/532f565202744c0cb7434505859efb74"),
        "set_params.al:246",
    ),
    row(
        &["BLOCKCHAIN_PUBLIC_KEY"],
        "blockchain_public_key",
        Copy,
        Value("0xdf29075946610ABD4FA2761100850869dcd07Aa7"),
        "set_params.al:247",
    ),
    row(
        &["BLOCKCHAIN_PRIVATE_KEY"],
        "blockchain_private_key",
        Copy,
        Value("712be5b5827d8c111b3e57a6e529eaa9769dcde550895659e008bdcf4f893c1c"),
        "set_params.al:248",
    ),
    row(
        &["CHAIN_ID"],
        "chain_id",
        Copy,
        Value("11155420"),
        "set_params.al:249",
    ),
    row(&["CONTRACT"], "contract", Copy, Unset, "set_params.al:250"),
    row(
        &["MEMBER"],
        "member",
        NonZeroIntAsIs,
        Unset,
        "set_params.al:260",
    ),
    row(
        &["IS_MAIN"],
        "is_main",
        TrueFalse,
        Unset,
        "set_params.al:261-262",
    ),
    row(
        &["ENABLE_PARTITIONS"],
        "enable_partitions",
        BoolDefaultTrue,
        Value("true"),
        "set_params.al:264",
    ),
    row(
        &["CLUSTER_NAME"],
        "cluster_name",
        Copy,
        Derived,
        "set_params.al:266-267",
    ),
    row(
        &["TABLE_NAME"],
        "table_name",
        Copy,
        Value("*"),
        "set_params.al:269",
    ),
    row(
        &["PARTITION_COLUMN"],
        "partition_column",
        Copy,
        Value("insert_timestamp"),
        "set_params.al:270",
    ),
    row(
        &["PARTITION_INTERVAL"],
        "partition_interval",
        Copy,
        Value("14 days"),
        "set_params.al:271",
    ),
    row(
        &["PARTITION_KEEP"],
        "partition_keep",
        Copy,
        Value("3"),
        "set_params.al:272",
    ),
    row(
        &["PARTITION_SYNC"],
        "partition_sync",
        Copy,
        Value("1 day"),
        "set_params.al:273",
    ),
    row(
        &["ENABLE_HA"],
        "enable_ha",
        Bool,
        Value("false"),
        "set_params.al:279",
    ),
    row(
        &["START_DATE"],
        "start_date",
        StartDate,
        Value("-30d"),
        "set_params.al:280-281",
    ),
    row(
        &["ENABLE_VIDEO_STREAMING"],
        "enable_video_streaming",
        Bool,
        Value("false"),
        "set_params.al:294",
    ),
    row(
        &["ENABLE_DETECTIONS"],
        "enable_detections",
        Bool,
        Value("false"),
        "set_params.al:295",
    ),
    row(
        &["VIDEO_URL"],
        "video_url",
        Copy,
        Unset,
        "set_params.al:297",
    ),
    row(
        &["VIDEO_PORT"],
        "video_port",
        Copy,
        Value("32800"),
        "set_params.al:298",
    ),
    row(
        &["VIDEO_NAME"],
        "video_name",
        Copy,
        Value("fstream"),
        "set_params.al:299",
    ),
    row(
        &["YOLO_MODEL_PORT"],
        "yolo_model_port",
        Copy,
        Value("5001"),
        "set_params.al:300",
    ),
    row(
        &["VIDEO_GRPC_DIR"],
        "video_grpc_dir",
        Copy,
        Reference("!anylog_path/AnyLog-Network/external_lib/frame_modeling"),
        "set_params.al:302",
    ),
    row(
        &["ENABLE_MQTT"],
        "enable_mqtt",
        Bool,
        Value("false"),
        "set_params.al:319",
    ),
    mqtt(&["MQTT_BROKER"], "mqtt_broker", "139.144.46.246"),
    mqtt(&["MQTT_PORT"], "mqtt_port", "1883"),
    mqtt(&["MQTT_USER"], "mqtt_user", "anyloguser"),
    mqtt(&["MQTT_PASSWD"], "mqtt_passwd", "mqtt4AnyLog!"),
    Mapping {
        conversion: Bool,
        ..mqtt(&["MQTT_LOG"], "msg_log", "false")
    },
    mqtt(&["MSG_TOPIC"], "msg_topic", "anylog-demo"),
    row(
        &["DEFAULT_DBMS", "MSG_DBMS"],
        "msg_dbms",
        Copy,
        Derived,
        "set_params.al:313,329-330",
    ),
    mqtt(&["MSG_TABLE"], "msg_table", "bring [table]"),
    mqtt(
        &["MSG_TIMESTAMP_COLUMN"],
        "msg_timestamp_column",
        "bring [timestamp]",
    ),
    mqtt(&["MSG_VALUE_COLUMN_TYPE"], "msg_value_column_type", "float"),
    mqtt(&["MSG_VALUE_COLUMN"], "msg_value_column", "bring [value]"),
    row(
        &["NODE_MONITORING"],
        "node_monitoring",
        Bool,
        Value("false"),
        "set_params.al:350",
    ),
    row(
        &["SYSLOG_MONITORING"],
        "syslog_monitoring",
        Bool,
        Value("false"),
        "set_params.al:351",
    ),
    row(
        &["DOCKER_MONITORING"],
        "docker_monitoring",
        Bool,
        Value("false"),
        "set_params.al:352",
    ),
    row(
        &["STORE_MONITORING"],
        "store_monitoring",
        Bool,
        Value("false"),
        "set_params.al:354",
    ),
    row(
        &["STORE_MONITORING_DEST"],
        "store_monitoring_dest",
        Copy,
        Unset,
        "set_params.al:356",
    ),
    row(
        &["VIEW_MONITORING_DEST"],
        "view_monitoring_dest",
        Copy,
        Unset,
        "set_params.al:357",
    ),
    row(
        &["MONITORING_FREQUENCY"],
        "monitoring_frequency",
        Copy,
        Value("30 seconds"),
        "set_params.al:359",
    ),
    row(
        &["DOCKER_FREQUENCY"],
        "docker_frequency",
        Copy,
        Value("5"),
        "set_params.al:361",
    ),
    row(
        &["ENABLE_OPCUA"],
        "enable_opcua",
        Bool,
        Value("false"),
        "set_params.al:367",
    ),
    row(
        &["OPCUA_URL"],
        "opcua_url",
        Copy,
        Unset,
        "set_params.al:368",
    ),
    row(
        &["OPCUA_NODE"],
        "opcua_node",
        Copy,
        Unset,
        "set_params.al:369",
    ),
    row(
        &["OPCUA_NAME"],
        "opcua_name",
        Copy,
        Unset,
        "set_params.al:370",
    ),
    row(
        &["OPCUA_USERNAME"],
        "opcua_username",
        Copy,
        Unset,
        "set_params.al:372",
    ),
    row(
        &["OPCUA_PASSWORD"],
        "opcua_password",
        Copy,
        Unset,
        "set_params.al:373",
    ),
    row(
        &["OPCUA_FREQUENCY"],
        "opcua_frequency",
        Copy,
        Value("5"),
        "set_params.al:376",
    ),
    row(
        &["DEPLOY_LOCAL_SCRIPT"],
        "deploy_local_script",
        Bool,
        Value("false"),
        "set_params.al:467",
    ),
    row(
        &["COMPRESS_FILE"],
        "compress_file",
        BoolDefaultTrue,
        Value("true"),
        "set_params.al:470",
    ),
    row(
        &["WRITE_IMMEDIATE"],
        "write_immediate",
        BoolDefaultTrue,
        Value("true"),
        "set_params.al:471",
    ),
    row(
        &["THRESHOLD_TIME"],
        "threshold_time",
        Copy,
        Value("60 seconds"),
        "set_params.al:476",
    ),
    row(
        &["THRESHOLD_VOLUME"],
        "threshold_volume",
        Copy,
        Value("10KB"),
        "set_params.al:477",
    ),
    row(
        &["OPERATOR_THREADS"],
        "operator_threads",
        NonZeroInt,
        Value("3"),
        "set_params.al:479-480",
    ),
    row(
        &["QUERY_POOL"],
        "query_pool",
        NonZeroInt,
        Value("6"),
        "set_params.al:482-483",
    ),
    row(
        &["ARCHIVE"],
        "archive",
        BoolDefaultTrue,
        Value("true"),
        "set_params.al:485",
    ),
    // set_params.al:486 tests `$ARCHIVE`, not `$ARCHIVE_SQL` (§8): ARCHIVE=true makes it true.
    row(
        &["ARCHIVE_SQL", "ARCHIVE"],
        "archive_sql",
        Bool,
        Derived,
        "set_params.al:486",
    ),
    row(
        &["ARCHIVE_DELETE"],
        "archive_delete",
        Copy,
        Value("30"),
        "set_params.al:487",
    ),
];

/// Variables `set_params.al` and `main.al` always assign, whatever the env says.
pub static FIXED: &[(&str, &str, &str)] = &[
    ("enable_auth", "false", "set_params.al:146"),
    (
        "version",
        "EdgeLake Version: 1.4.2604",
        "main.al:41 (`get version` of EdgeLake faba50d)",
    ),
    ("deployment_type", "EdgeLake", "main.al:42"),
    ("create_table", "true", "set_params.al"),
    ("update_tsd_info", "true", "set_params.al"),
    ("distributor", "true", "set_params.al"),
    ("compress_sql", "true", "set_params.al"),
    ("move_json", "true", "set_params.al"),
    ("dbms_file_location", "file_name[0]", "set_params.al"),
    ("table_file_location", "file_name[1]", "set_params.al"),
    ("is_edgelake", "true", "main.al"),
];

/// The index into [`TCP_PORTS`]/[`REST_PORTS`] for a node type.
pub fn node_type_index(node_type: &str) -> usize {
    match node_type {
        "master" => 0,
        "operator" => 1,
        "query" => 2,
        "publisher" => 3,
        _ => 4,
    }
}

/// `NODE_TYPE` as `set_params.al` normalises it (`$NODE_TYPE == master-operator` compares
/// lower-cased text).
pub fn normalise_node_type(value: &str) -> &str {
    match value.to_lowercase().as_str() {
        "master-operator" => "operator",
        "master-publisher" => "publisher",
        _ => value,
    }
}

/// Every dictionary variable the profile can define (set or not in a given layering).
pub fn defined_names() -> impl Iterator<Item = &'static str> {
    MAPPINGS
        .iter()
        .map(|m| m.var)
        .chain(FIXED.iter().map(|f| f.0))
        .chain([
            "master_configs",
            "is_relay",
            "debug_mode",
            "env_ledger",
            "env_ledger_start",
            "config_version",
            "loc_info",
            "is_dir",
        ])
}

/// Whether `name` is one of [`defined_names`]. A set built once: the undefined-variable rule
/// asks for each undefined reference, and going through the ~130 names took ~880
/// instructions a time.
pub fn defines(name: &str) -> bool {
    type Names = std::collections::HashSet<&'static str, foldhash::fast::FixedState>;
    static NAMES: std::sync::OnceLock<Names> = std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| defined_names().collect())
        .contains(name)
}

/// Env keys the deployment scripts or the runtime read outside the mapping table
/// (`main.al`, `set_params.al`, `api/etherip_client.py`, Open Horizon scripts).
pub static ALSO_READ: &[&str] = &[
    "ENABLE_TRACEBACK",
    "TRACE_LEVEL",
    "DISABLE_CLI",
    "DNS_DOMAIN",
    "ENABLE_AUTH",
    "NODE_PASSWORD",
    "USERNAME",
    "USER_PASSWORD",
    "IS_VM",
    "SIMULATOR_MODE",
    "EDGELAKE_HOME",
    "LICENSE_KEY",
];

/// Keys docker compose or the Makefile read; they never reach EdgeLake on purpose (§5.4).
pub static COMPOSE_KEYS: &[&str] = &["INIT_TYPE", "IMAGE", "CONN_IP", "CLI_PORT"];

/// Env keys found in shipped env files under a name the scripts do not read, with the name
/// they do read (§5.4, §8 "Environment files").
pub static RENAMED_KEYS: &[(&str, &str)] = &[
    ("BLOCKCHAIN_DESTINATION", "DESTINATION"),
    ("MONITOR_NODES", "NODE_MONITORING"),
    ("BLOBS_DBMS", "BLOBS_STORAGE"),
    ("SYNC_TIME", "BLOCKCHAIN_SYNC"),
    ("TCP_THREAD_POOL", "TCP_THREADS"),
];

/// Every env key the profile reads, for suggestions.
pub fn read_env_keys() -> impl Iterator<Item = &'static str> {
    MAPPINGS
        .iter()
        .flat_map(|m| m.env.iter().copied())
        .chain(ALSO_READ.iter().copied())
}

/// Env keys in the shipped env files that no script reads and that have no counterpart to
/// suggest (§5.4: LINT-24); exact names, or prefixes ending in `_`.
pub static KNOWN_UNREAD: &[&str] = &[
    "ENABLE_NOSQL",
    "NOSQL_",
    "BROKER_THREADS",
    "DEBUG_MODE",
    "ENABLE_ETHERIP",
    "ETHERIP_",
    "ENABLE_AGGREGATIONS",
    "AGGREGATION_",
    "REMOTE_CLI",
    "ENABLE_NEBULA",
    "NEBULA_NEW_KEYS",
    "IS_LIGHTHOUSE",
    "CIDR_OVERLAY_ADDRESS",
    "LIGHTHOUSE_",
];

/// True for a key of [`KNOWN_UNREAD`].
pub fn is_known_unread(key: &str) -> bool {
    KNOWN_UNREAD.iter().any(|k| {
        if k.ends_with('_') {
            key.starts_with(k)
        } else {
            key == *k
        }
    })
}
