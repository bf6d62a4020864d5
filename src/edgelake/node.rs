//! Dictionary variables the node sets itself before any script runs (§5.5), and the
//! environment its Docker image sets (§5.2).

/// A variable the node provides at boot.
#[derive(Debug)]
pub struct NodeVariable {
    /// The dictionary name (`ip`).
    pub name: &'static str,
    /// Where the node gets it.
    pub source: &'static str,
    /// A value known without a node, when there is one.
    pub fixed: Option<&'static str>,
}

macro_rules! node_vars {
    ($($name:literal => $source:literal $(= $fixed:literal)?;)*) => {
        /// Everything the node itself defines (§5.5); values are decided at boot unless fixed.
        pub static NODE_VARIABLES: &[NodeVariable] = &[
            $(NodeVariable { name: $name, source: $source, fixed: node_vars!(@fixed $($fixed)?) },)*
        ];
    };
    (@fixed $f:literal) => { Some($f) };
    (@fixed) => { None };
}

node_vars! {
    "ip" => "the node's local IP address";
    "external_ip" => "the node's public IP address (api.ipify.org, else the local IP)";
    "hostname" => "the node's host name";
    "is_vm" => "IS_VM or auto-detection";
    "dns" => "the host name + \".local\"";
    "external_dns" => "reverse DNS of the external IP, when resolvable";
    "io_buff_size" => "a runtime constant" = "2048";
    "edgelake_path" => "the node's home directory";
    "blockchain_file" => "<home>/EdgeLake/blockchain";
    "blockchain_sql" => "<home>/EdgeLake/blockchain";
    "blockchain_new" => "<home>/EdgeLake/blockchain";
    "blockchain_dir" => "<home>/EdgeLake/blockchain";
    "prep_dir" => "<home>/EdgeLake/data/prep";
    "watch_dir" => "<home>/EdgeLake/data/watch";
    "bkup_dir" => "<home>/EdgeLake/data/bkup";
    "err_dir" => "<home>/EdgeLake/data/error";
    "dbms_dir" => "<home>/EdgeLake/data/dbms";
    "archive_dir" => "<home>/EdgeLake/data/archive";
    "distr_dir" => "<home>/EdgeLake/data/distr";
    "pem_dir" => "<home>/EdgeLake/data/pem";
    "blobs_dir" => "<home>/EdgeLake/data/blobs";
    "bwatch_dir" => "<home>/EdgeLake/data/bwatch";
    "tmp_dir" => "<home>/EdgeLake/data/tmp";
    "id_dir" => "<home>/EdgeLake/anylog";
    "input_thread" => "the CLI thread name";
    "config_version" => "the deployment scripts' setup.cfg, read through a shell command";
}

/// Environment variables the EdgeLake Docker image sets; env files override them (§5.2).
pub static IMAGE_ENVIRONMENT: &[(&str, &str)] = &[
    ("EDGELAKE_PATH", "/app"),
    ("EDGELAKE_HOME", "/app/EdgeLake"),
    ("LOCAL_SCRIPTS", "/app/deployment-scripts"),
    ("TEST_DIR", "/app/deployment-scripts/tests"),
];

/// The node variable with this name, if the node provides it.
pub fn node_variable(name: &str) -> Option<&'static NodeVariable> {
    NODE_VARIABLES.iter().find(|v| v.name == name)
}

/// The directory variables `params.set_directory_locations(home)` sets, in its order (also what
/// `set anylog home <dir>` sets).
pub fn directory_variables(home: &str) -> Vec<(String, String)> {
    let home = home.replace('\\', "/");
    let home = home.strip_suffix('/').unwrap_or(&home);
    let net = format!("{home}/EdgeLake/");
    let mut out = vec![("edgelake_path".to_string(), home.to_string())];
    for (name, rest) in [
        ("blockchain_sql", "blockchain/blockchain.sql"),
        ("blockchain_file", "blockchain/blockchain.json"),
        ("blockchain_new", "blockchain/blockchain.new"),
        ("blockchain_dir", "blockchain"),
        ("local_scripts", "scripts"),
        ("prep_dir", "data/prep"),
        ("watch_dir", "data/watch"),
        ("bkup_dir", "data/bkup"),
        ("err_dir", "data/error"),
        ("dbms_dir", "data/dbms"),
        ("archive_dir", "data/archive"),
        ("distr_dir", "data/distr"),
        ("pem_dir", "data/pem"),
        ("test_dir", "data/test"),
        ("blobs_dir", "data/blobs"),
        ("bwatch_dir", "data/bwatch"),
        ("tmp_dir", "data/tmp"),
        ("id_dir", "anylog"),
    ] {
        out.push((name.to_string(), format!("{net}{rest}")));
    }
    out
}

/// Where the EdgeLake image clones the deployment scripts (`--scripts` maps it to a checkout).
pub const SCRIPTS_DIR: &str = "/app/deployment-scripts";

/// The entry script the image runs at boot, under [`SCRIPTS_DIR`].
pub const MAIN_SCRIPT: &str = "node-deployment/main.al";

/// The home directory `params.init` uses when `EDGELAKE_HOME` is unset.
pub const DEFAULT_HOME: &str = "/app/EdgeLake";
