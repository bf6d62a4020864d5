//! The two known EdgeLake Helm charts as data: which env key each ConfigMap line renders, from
//! which values path, under which condition and quoting, and which ports the Service and the
//! Deployment list. Used when `--chart` is not given; with `--chart DIR` the chart's own
//! templates are rendered instead, and `tests` check this table against that rendering.
//!
//! - `edgelake-operator`: the MPL-2.0 chart of tom342178/trv-edgelake-infra
//!   (`helm-charts/edgelake-operator`, commit afb05b2), `templates/configmap.yaml`,
//!   `service.yaml`, `deployment.yaml`, `_helpers.tpl`.
//! - `anylog-node`: EdgeLake/deployment-k8s (`anylog-node/templates/*.yaml`, commit 5450613),
//!   which has no licence: these rows are facts read from it, not its text.
//!
//! Irregularities kept on purpose: `NODE_NAME` comes from `metadata.app_name` (always in
//! anylog-node; when `NODE_NAME` is empty in edgelake-operator), `NOSQL_PASSWD` is filled from
//! `DB_PASSWD` and `BLOCKCHAIN_DESTINATION` from `LEDGER_CONN` (anylog-node), `LICENSE_KEY`
//! is written unquoted (anylog-node), and conditional keys test truth (`if .X`,
//! edgelake-operator) or `ne .X ""` (anylog-node, which Helm fails on for a number).

/// How a ConfigMap line quotes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quote {
    /// `KEY: "{{ ... }}"`.
    Double,
    /// `KEY: '{{ ... }}'`.
    Single,
    /// `KEY: {{ ... }}`: YAML types the text.
    Bare,
}

/// When a line is rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Always.
    Always,
    /// `{{- if .Values.<path> }}`: Go-template truth.
    IfTrue(&'static str),
    /// `{{- if ne .Values.<path> "" }}`: Helm fails when the value is not a string or nil.
    IfNotEmpty(&'static str),
}

/// Where a value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum From {
    /// `{{ .Values.<path> }}`.
    Value(&'static str),
    /// Text written in the template.
    Const(&'static str),
    /// The first of these paths that is true, else the last one (`edgelake-operator.nodeName`).
    FirstTrue(&'static [&'static str]),
    /// `<metadata.namespace>.<metadata.service_name>.svc.cluster.local`.
    ProxyIp,
}

/// One ConfigMap `data` line.
#[derive(Clone, Copy, Debug)]
pub struct EnvRow {
    /// The env key.
    pub key: &'static str,
    /// Its value.
    pub from: From,
    /// When the line is rendered.
    pub when: When,
    /// An enclosing `if` (the nebula block of edgelake-operator).
    pub block: Option<&'static str>,
}

/// A Service port or container port.
#[derive(Clone, Copy, Debug)]
pub struct PortRow {
    /// The port's name, if the template names it.
    pub name: Option<&'static str>,
    /// The values path of the port number.
    pub path: &'static str,
    /// When the port is listed.
    pub when: When,
}

/// A chart.
#[derive(Debug)]
pub struct ChartMap {
    /// The chart's name.
    pub name: &'static str,
    /// How the ConfigMap quotes values (rows in [`ChartMap::bare`] are unquoted).
    pub quote: Quote,
    /// Keys written without quotes.
    pub bare: &'static [&'static str],
    /// The ConfigMap's lines, in template order.
    pub env: &'static [EnvRow],
    /// The Service's ports.
    pub service_ports: &'static [PortRow],
    /// The Deployment container's ports.
    pub container_ports: &'static [PortRow],
    /// What a constant line's provenance says.
    pub constant_label: &'static str,
    /// What a value no values file sets says.
    pub missing_label: &'static str,
}

const fn row(key: &'static str, path: &'static str) -> EnvRow {
    EnvRow {
        key,
        from: From::Value(path),
        when: When::Always,
        block: None,
    }
}
const fn if_true(key: &'static str, path: &'static str) -> EnvRow {
    EnvRow {
        key,
        from: From::Value(path),
        when: When::IfTrue(path),
        block: None,
    }
}
const fn if_set(key: &'static str, path: &'static str) -> EnvRow {
    EnvRow {
        key,
        from: From::Value(path),
        when: When::IfNotEmpty(path),
        block: None,
    }
}
const fn constant(key: &'static str, text: &'static str) -> EnvRow {
    EnvRow {
        key,
        from: From::Const(text),
        when: When::Always,
        block: None,
    }
}
const fn nebula(row: EnvRow) -> EnvRow {
    EnvRow {
        block: Some("node_configs.nebula"),
        ..row
    }
}
const fn port(name: Option<&'static str>, path: &'static str, when: When) -> PortRow {
    PortRow { name, path, when }
}

const SERVER: &str = "node_configs.networking.ANYLOG_SERVER_PORT";
const REST: &str = "node_configs.networking.ANYLOG_REST_PORT";
const BROKER: &str = "node_configs.networking.ANYLOG_BROKER_PORT";

/// The MPL-2.0 `edgelake-operator` chart.
pub static EDGELAKE_OPERATOR: ChartMap = ChartMap {
    name: "edgelake-operator",
    quote: Quote::Double,
    bare: &[],
    constant_label: "the edgelake-operator chart's ConfigMap template",
    missing_label: "the edgelake-operator chart (no values file sets it, so it renders empty)",
    service_ports: &[
        port(Some("tcp-server"), SERVER, When::Always),
        port(Some("rest-api"), REST, When::Always),
        port(Some("mqtt-broker"), BROKER, When::IfTrue(BROKER)),
    ],
    container_ports: &[
        port(Some("tcp-server"), SERVER, When::Always),
        port(Some("rest-api"), REST, When::Always),
        port(Some("mqtt-broker"), BROKER, When::IfTrue(BROKER)),
    ],
    env: &[
        constant("IS_KUBERNETES", "true"),
        EnvRow {
            key: "PROXY_IP",
            from: From::ProxyIp,
            when: When::Always,
            block: None,
        },
        row("ANYLOG_PATH", "node_configs.directories.ANYLOG_PATH"),
        row("LOCAL_SCRIPTS", "node_configs.directories.LOCAL_SCRIPTS"),
        row("TEST_DIR", "node_configs.directories.TEST_DIR"),
        if_true("LICENSE_KEY", "node_configs.general.LICENSE_KEY"),
        constant("INIT_TYPE", "prod"),
        row("NODE_TYPE", "node_configs.general.NODE_TYPE"),
        EnvRow {
            key: "NODE_NAME",
            from: From::FirstTrue(&["node_configs.general.NODE_NAME", "metadata.app_name"]),
            when: When::Always,
            block: None,
        },
        row("COMPANY_NAME", "node_configs.general.COMPANY_NAME"),
        row("DISABLE_CLI", "node_configs.general.DISABLE_CLI"),
        row("REMOTE_CLI", "node_configs.general.REMOTE_CLI"),
        if_true("LOCATION", "node_configs.geolocation.LOCATION"),
        if_true("COUNTRY", "node_configs.geolocation.COUNTRY"),
        if_true("STATE", "node_configs.geolocation.STATE"),
        if_true("CITY", "node_configs.geolocation.CITY"),
        if_true("OVERLAY_IP", "node_configs.networking.OVERLAY_IP"),
        row("ANYLOG_SERVER_PORT", SERVER),
        row("ANYLOG_REST_PORT", REST),
        if_true("ANYLOG_BROKER_PORT", BROKER),
        row("TCP_BIND", "node_configs.networking.TCP_BIND"),
        row("REST_BIND", "node_configs.networking.REST_BIND"),
        row("BROKER_BIND", "node_configs.networking.BROKER_BIND"),
        if_true("CONFIG_NAME", "node_configs.networking.CONFIG_NAME"),
        if_true("NIC_TYPE", "node_configs.networking.NIC_TYPE"),
        row("TCP_THREADS", "node_configs.networking.TCP_THREADS"),
        row("REST_TIMEOUT", "node_configs.networking.REST_TIMEOUT"),
        row("REST_THREADS", "node_configs.networking.REST_THREADS"),
        row("BROKER_THREADS", "node_configs.networking.BROKER_THREADS"),
        row("DB_TYPE", "node_configs.database.DB_TYPE"),
        if_true("DB_USER", "node_configs.database.DB_USER"),
        if_true("DB_PASSWD", "node_configs.database.DB_PASSWD"),
        row("DB_IP", "node_configs.database.DB_IP"),
        row("DB_PORT", "node_configs.database.DB_PORT"),
        row("AUTOCOMMIT", "node_configs.database.AUTOCOMMIT"),
        row("ENABLE_NOSQL", "node_configs.database.ENABLE_NOSQL"),
        row("SYSTEM_QUERY", "node_configs.database.SYSTEM_QUERY"),
        row("MEMORY", "node_configs.database.MEMORY"),
        row("NOSQL_TYPE", "node_configs.database.NOSQL_TYPE"),
        if_true("NOSQL_USER", "node_configs.database.NOSQL_USER"),
        if_true("NOSQL_PASSWD", "node_configs.database.NOSQL_PASSWD"),
        row("NOSQL_IP", "node_configs.database.NOSQL_IP"),
        row("NOSQL_PORT", "node_configs.database.NOSQL_PORT"),
        row("BLOBS_DBMS", "node_configs.database.BLOBS_DBMS"),
        row("BLOBS_REUSE", "node_configs.database.BLOBS_REUSE"),
        row("LEDGER_CONN", "node_configs.blockchain.LEDGER_CONN"),
        row("SYNC_TIME", "node_configs.blockchain.SYNC_TIME"),
        row("BLOCKCHAIN_SYNC", "node_configs.blockchain.BLOCKCHAIN_SYNC"),
        row(
            "BLOCKCHAIN_SOURCE",
            "node_configs.blockchain.BLOCKCHAIN_SOURCE",
        ),
        row(
            "BLOCKCHAIN_DESTINATION",
            "node_configs.blockchain.BLOCKCHAIN_DESTINATION",
        ),
        row("CLUSTER_NAME", "node_configs.operator.CLUSTER_NAME"),
        row("DEFAULT_DBMS", "node_configs.operator.DEFAULT_DBMS"),
        if_true("MEMBER", "node_configs.operator.MEMBER"),
        row("ENABLE_HA", "node_configs.operator.ENABLE_HA"),
        row("START_DATE", "node_configs.operator.START_DATE"),
        row("OPERATOR_THREADS", "node_configs.operator.OPERATOR_THREADS"),
        row(
            "ENABLE_PARTITIONS",
            "node_configs.operator.ENABLE_PARTITIONS",
        ),
        row("TABLE_NAME", "node_configs.operator.TABLE_NAME"),
        row("PARTITION_COLUMN", "node_configs.operator.PARTITION_COLUMN"),
        row(
            "PARTITION_INTERVAL",
            "node_configs.operator.PARTITION_INTERVAL",
        ),
        row("PARTITION_KEEP", "node_configs.operator.PARTITION_KEEP"),
        row("PARTITION_SYNC", "node_configs.operator.PARTITION_SYNC"),
        row("ENABLE_MQTT", "node_configs.mqtt.ENABLE_MQTT"),
        if_true("MQTT_BROKER", "node_configs.mqtt.MQTT_BROKER"),
        row("MQTT_PORT", "node_configs.mqtt.MQTT_PORT"),
        if_true("MQTT_USER", "node_configs.mqtt.MQTT_USER"),
        if_true("MQTT_PASSWD", "node_configs.mqtt.MQTT_PASSWD"),
        row("MQTT_LOG", "node_configs.mqtt.MQTT_LOG"),
        if_true("MSG_TOPIC", "node_configs.mqtt.MSG_TOPIC"),
        row("MSG_DBMS", "node_configs.mqtt.MSG_DBMS"),
        row("MSG_TABLE", "node_configs.mqtt.MSG_TABLE"),
        row(
            "MSG_TIMESTAMP_COLUMN",
            "node_configs.mqtt.MSG_TIMESTAMP_COLUMN",
        ),
        row("MSG_VALUE_COLUMN", "node_configs.mqtt.MSG_VALUE_COLUMN"),
        row(
            "MSG_VALUE_COLUMN_TYPE",
            "node_configs.mqtt.MSG_VALUE_COLUMN_TYPE",
        ),
        row("ENABLE_OPCUA", "node_configs.opcua.ENABLE_OPCUA"),
        if_true("OPCUA_URL", "node_configs.opcua.OPCUA_URL"),
        if_true("OPCUA_NODE", "node_configs.opcua.OPCUA_NODE"),
        if_true("OPCUA_FREQUENCY", "node_configs.opcua.OPCUA_FREQUENCY"),
        row("ENABLE_ETHERIP", "node_configs.etherip.ENABLE_ETHERIP"),
        row("SIMULATOR_MODE", "node_configs.etherip.SIMULATOR_MODE"),
        if_true("ETHERIP_URL", "node_configs.etherip.ETHERIP_URL"),
        if_true(
            "ETHERIP_FREQUENCY",
            "node_configs.etherip.ETHERIP_FREQUENCY",
        ),
        row(
            "ENABLE_AGGREGATIONS",
            "node_configs.aggregations.ENABLE_AGGREGATIONS",
        ),
        row(
            "AGGREGATION_TIME_COLUMN",
            "node_configs.aggregations.AGGREGATION_TIME_COLUMN",
        ),
        row(
            "AGGREGATION_VALUE_COLUMN",
            "node_configs.aggregations.AGGREGATION_VALUE_COLUMN",
        ),
        row("MONITOR_NODES", "node_configs.monitoring.MONITOR_NODES"),
        row(
            "STORE_MONITORING",
            "node_configs.monitoring.STORE_MONITORING",
        ),
        row(
            "SYSLOG_MONITORING",
            "node_configs.monitoring.SYSLOG_MONITORING",
        ),
        row("MCP_AUTOSTART", "node_configs.mcp.MCP_AUTOSTART"),
        row(
            "DEPLOY_LOCAL_SCRIPT",
            "node_configs.advanced.DEPLOY_LOCAL_SCRIPT",
        ),
        row("DEBUG_MODE", "node_configs.advanced.DEBUG_MODE"),
        row("COMPRESS_FILE", "node_configs.advanced.COMPRESS_FILE"),
        row("QUERY_POOL", "node_configs.advanced.QUERY_POOL"),
        row("WRITE_IMMEDIATE", "node_configs.advanced.WRITE_IMMEDIATE"),
        row("THRESHOLD_TIME", "node_configs.advanced.THRESHOLD_TIME"),
        row("THRESHOLD_VOLUME", "node_configs.advanced.THRESHOLD_VOLUME"),
        nebula(row("ENABLE_NEBULA", "node_configs.nebula.ENABLE_NEBULA")),
        nebula(row(
            "NEBULA_NEW_KEYS",
            "node_configs.nebula.NEBULA_NEW_KEYS",
        )),
        nebula(row("IS_LIGHTHOUSE", "node_configs.nebula.IS_LIGHTHOUSE")),
        nebula(if_true(
            "CIDR_OVERLAY_ADDRESS",
            "node_configs.nebula.CIDR_OVERLAY_ADDRESS",
        )),
        nebula(if_true(
            "LIGHTHOUSE_IP",
            "node_configs.nebula.LIGHTHOUSE_IP",
        )),
        nebula(if_true(
            "LIGHTHOUSE_NODE_IP",
            "node_configs.nebula.LIGHTHOUSE_NODE_IP",
        )),
    ],
};

/// EdgeLake/deployment-k8s `anylog-node` (facts only: the repository has no licence).
pub static ANYLOG_NODE: ChartMap = ChartMap {
    name: "anylog-node",
    quote: Quote::Single,
    bare: &["LICENSE_KEY"],
    constant_label: "the anylog-node chart's ConfigMap template",
    missing_label: "the anylog-node chart (no values file sets it, so it renders empty)",
    service_ports: &[
        port(Some("anylog-server"), SERVER, When::Always),
        port(Some("anylog-rest"), REST, When::Always),
        port(Some("anylog-broker"), BROKER, When::IfTrue(BROKER)),
    ],
    container_ports: &[
        port(None, SERVER, When::Always),
        port(None, REST, When::Always),
    ],
    env: &[
        row("ANYLOG_PATH", "node_configs.directories.ANYLOG_PATH"),
        row("LOCAL_SCRIPTS", "node_configs.directories.LOCAL_SCRIPTS"),
        row("TEST_DIR", "node_configs.directories.TEST_DIR"),
        row("INIT_TYPE", "image.init_type"),
        row("DISABLE_CLI", "image.disable_cli"),
        constant("IS_KUBERNETES", "true"),
        row("LICENSE_KEY", "node_configs.general.LICENSE_KEY"),
        row("NODE_TYPE", "node_configs.general.NODE_TYPE"),
        row("NODE_NAME", "metadata.app_name"),
        row("COMPANY_NAME", "node_configs.general.COMPANY_NAME"),
        if_set("LOCATION", "node_configs.geolocation.LOCATION"),
        if_set("COUNTRY", "node_configs.geolocation.COUNTRY"),
        if_set("STATE", "node_configs.geolocation.STATE"),
        if_set("CITY", "node_configs.geolocation.CITY"),
        if_set("OVERLAY_IP", "node_configs.networking.OVERLAY_IP"),
        EnvRow {
            key: "PROXY_IP",
            from: From::ProxyIp,
            when: When::Always,
            block: None,
        },
        row("ANYLOG_SERVER_PORT", SERVER),
        row("ANYLOG_REST_PORT", REST),
        if_true("ANYLOG_BROKER_PORT", BROKER),
        row("TCP_BIND", "node_configs.networking.TCP_BIND"),
        row("REST_BIND", "node_configs.networking.REST_BIND"),
        row("BROKER_BIND", "node_configs.networking.BROKER_BIND"),
        row("DB_TYPE", "node_configs.database.DB_TYPE"),
        if_set("DB_USER", "node_configs.database.DB_USER"),
        if_set("DB_PASSWD", "node_configs.database.DB_PASSWD"),
        row("DB_IP", "node_configs.database.DB_IP"),
        row("DB_PORT", "node_configs.database.DB_PORT"),
        row("AUTOCOMMIT", "node_configs.database.AUTOCOMMIT"),
        row("ENABLE_NOSQL", "node_configs.database.ENABLE_NOSQL"),
        row("SYSTEM_QUERY", "node_configs.database.SYSTEM_QUERY"),
        row("MEMORY", "node_configs.database.MEMORY"),
        row("NOSQL_TYPE", "node_configs.database.NOSQL_TYPE"),
        if_set("NOSQL_USER", "node_configs.database.NOSQL_USER"),
        EnvRow {
            key: "NOSQL_PASSWD",
            from: From::Value("node_configs.database.DB_PASSWD"),
            when: When::IfNotEmpty("node_configs.database.NOSQL_PASSWD"),
            block: None,
        },
        row("NOSQL_IP", "node_configs.database.NOSQL_IP"),
        row("NOSQL_PORT", "node_configs.database.NOSQL_PORT"),
        row("BLOBS_DBMS", "node_configs.database.BLOBS_DBMS"),
        row("BLOBS_REUSE", "node_configs.database.BLOBS_REUSE"),
        row("LEDGER_CONN", "node_configs.blockchain.LEDGER_CONN"),
        row("SYNC_TIME", "node_configs.blockchain.SYNC_TIME"),
        row(
            "BLOCKCHAIN_SOURCE",
            "node_configs.blockchain.BLOCKCHAIN_SOURCE",
        ),
        row(
            "BLOCKCHAIN_DESTINATION",
            "node_configs.blockchain.LEDGER_CONN",
        ),
        row("CLUSTER_NAME", "node_configs.operator.CLUSTER_NAME"),
        row("DEFAULT_DBMS", "node_configs.operator.DEFAULT_DBMS"),
        if_set("MEMBER", "node_configs.operator.MEMBER"),
        row("START_DATE", "node_configs.operator.START_DATE"),
        if_set("TABLE_NAME", "node_configs.operator.TABLE_NAME"),
        row("PARTITION_COLUMN", "node_configs.operator.PARTITION_COLUMN"),
        row(
            "PARTITION_INTERVAL",
            "node_configs.operator.PARTITION_INTERVAL",
        ),
        row("PARTITION_KEEP", "node_configs.operator.PARTITION_KEEP"),
        row("PARTITION_SYNC", "node_configs.operator.PARTITION_SYNC"),
        row("ENABLE_MQTT", "node_configs.mqtt.ENABLE_MQTT"),
        row("MQTT_BROKER", "node_configs.mqtt.MQTT_BROKER"),
        row("MQTT_PORT", "node_configs.mqtt.MQTT_PORT"),
        row("MQTT_USER", "node_configs.mqtt.MQTT_USER"),
        row("MQTT_PASSWD", "node_configs.mqtt.MQTT_PASSWD"),
        row("MQTT_LOG", "node_configs.mqtt.MQTT_LOG"),
        row("MSG_TOPIC", "node_configs.mqtt.MSG_TOPIC"),
        row("MSG_DBMS", "node_configs.mqtt.MSG_DBMS"),
        row("MSG_TABLE", "node_configs.mqtt.MSG_TABLE"),
        row(
            "MSG_TIMESTAMP_COLUMN",
            "node_configs.mqtt.MSG_TIMESTAMP_COLUMN",
        ),
        row("MSG_VALUE_COLUMN", "node_configs.mqtt.MSG_VALUE_COLUMN"),
        row(
            "MSG_VALUE_COLUMN_TYPE",
            "node_configs.mqtt.MSG_VALUE_COLUMN_TYPE",
        ),
        row(
            "DEPLOY_LOCAL_SCRIPT",
            "node_configs.advanced.DEPLOY_LOCAL_SCRIPT",
        ),
        row("DEPLOY_SYSLOG", "node_configs.advanced.DEPLOY_SYSLOG"),
        row("MONITOR_NODES", "node_configs.advanced.MONITOR_NODES"),
        row("MONITOR_NODE", "node_configs.advanced.MONITOR_NODE"),
        row("COMPRESS_FILE", "node_configs.advanced.COMPRESS_FILE"),
        row("QUERY_POOL", "node_configs.advanced.QUERY_POOL"),
        row("WRITE_IMMEDIATE", "node_configs.advanced.WRITE_IMMEDIATE"),
        row("THRESHOLD_TIME", "node_configs.advanced.THRESHOLD_TIME"),
        row("THRESHOLD_VOLUME", "node_configs.advanced.THRESHOLD_VOLUME"),
    ],
};

/// Which chart values are for: `anylog-node` when they carry its marks (`image.init_type`,
/// which only its `values.yaml` has, or an `anylog-network` image), else `edgelake-operator`.
pub fn detect(values: &super::values::Value) -> &'static ChartMap {
    use super::values::{Kind, Lookup};
    let init_type = matches!(values.lookup("image.init_type"), Lookup::Found(_));
    let anylog_image = matches!(
        values.lookup("image.repository"),
        Lookup::Found(v) if matches!(&v.kind, Kind::Str(s) if s.contains("anylog-network"))
    );
    if init_type || anylog_image {
        &ANYLOG_NODE
    } else {
        &EDGELAKE_OPERATOR
    }
}
