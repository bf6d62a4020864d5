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
    "anylog_server_port" => "params.init's default TCP port" = "2048";
    "anylog_rest_port" => "params.init's default REST port" = "2148";
    "io_buff_size" => "a runtime constant" = "2048";
    "db_user" => "<the user in $HOME>@127.0.0.1:demo";
    "db_port" => "params.init's default database port" = "5432";
    "edgelake_path" => "the node's home directory";
    "blockchain_file" => "<home>/EdgeLake/blockchain";
    "blockchain_sql" => "<home>/EdgeLake/blockchain";
    "blockchain_new" => "<home>/EdgeLake/blockchain";
    "blockchain_dir" => "<home>/EdgeLake/blockchain";
    "local_scripts" => "<home>/EdgeLake/scripts";
    "prep_dir" => "<home>/EdgeLake/data/prep";
    "watch_dir" => "<home>/EdgeLake/data/watch";
    "bkup_dir" => "<home>/EdgeLake/data/bkup";
    "err_dir" => "<home>/EdgeLake/data/error";
    "dbms_dir" => "<home>/EdgeLake/data/dbms";
    "archive_dir" => "<home>/EdgeLake/data/archive";
    "distr_dir" => "<home>/EdgeLake/data/distr";
    "pem_dir" => "<home>/EdgeLake/data/pem";
    "test_dir" => "<home>/EdgeLake/data/test";
    "blobs_dir" => "<home>/EdgeLake/data/blobs";
    "bwatch_dir" => "<home>/EdgeLake/data/bwatch";
    "tmp_dir" => "<home>/EdgeLake/data/tmp";
    "id_dir" => "<home>/EdgeLake/anylog";
}

/// Environment variables the EdgeLake Docker image sets; env files override them (§5.2).
pub static IMAGE_ENVIRONMENT: &[(&str, &str)] = &[
    ("EDGELAKE_PATH", "/app"),
    ("EDGELAKE_HOME", "/app/EdgeLake"),
    ("LOCAL_SCRIPTS", "/app/deployment-scripts"),
    ("TEST_DIR", "/app/deployment-scripts/tests"),
];

/// The node's runtime facts: `--set` gives them as the node measures them at start, before any
/// script runs (the deployment scripts derive variables from them).
pub static NODE_FACTS: &[&str] = &["ip", "external_ip", "hostname", "is_vm", "external_dns"];

/// `params.set_directory_locations(home)` (run by `params.init` and by `set anylog home`):
/// each variable, as a path under `<home>/` (`""`: home itself).
pub static DIRECTORIES: &[(&str, &str)] = &[
    ("edgelake_path", ""),
    ("blockchain_sql", "EdgeLake/blockchain/blockchain.sql"),
    ("blockchain_file", "EdgeLake/blockchain/blockchain.json"),
    ("blockchain_new", "EdgeLake/blockchain/blockchain.new"),
    ("blockchain_dir", "EdgeLake/blockchain"),
    ("local_scripts", "EdgeLake/scripts"),
    ("prep_dir", "EdgeLake/data/prep"),
    ("watch_dir", "EdgeLake/data/watch"),
    ("bkup_dir", "EdgeLake/data/bkup"),
    ("err_dir", "EdgeLake/data/error"),
    ("dbms_dir", "EdgeLake/data/dbms"),
    ("archive_dir", "EdgeLake/data/archive"),
    ("distr_dir", "EdgeLake/data/distr"),
    ("pem_dir", "EdgeLake/data/pem"),
    ("test_dir", "EdgeLake/data/test"),
    ("blobs_dir", "EdgeLake/data/blobs"),
    ("bwatch_dir", "EdgeLake/data/bwatch"),
    ("tmp_dir", "EdgeLake/data/tmp"),
    ("id_dir", "EdgeLake/anylog"),
];

/// Directories that exist in the EdgeLake image and that the node may write (`set anylog
/// home` refuses any other), besides the deployment scripts.
pub static IMAGE_DIRS: &[&str] = &["/", "/app", "/app/EdgeLake", "/root", "/tmp"];

/// Where the EdgeLake image clones the deployment scripts; main.al finds its local scripts
/// there (and in the one subdirectory the legacy layout names), nowhere else in the image.
pub static IMAGE_SCRIPTS: &[&str] = &[
    "/app/deployment-scripts",
    "/app/deployment-scripts/node-deployment",
];

/// The directory variables `params.set_directory_locations(home)` sets, in its order (also what
/// `set anylog home <dir>` sets), for a home directory.
pub fn directory_variables(home: &str) -> Vec<(String, String)> {
    let home = home.replace('\\', "/");
    let home = home.strip_suffix('/').unwrap_or(&home);
    DIRECTORIES
        .iter()
        .map(|(name, rest)| {
            let value = if rest.is_empty() {
                home.to_string()
            } else {
                format!("{home}/{rest}")
            };
            (name.to_string(), value)
        })
        .collect()
}

/// Where the EdgeLake image clones the deployment scripts (`--scripts` maps it to a checkout).
pub const SCRIPTS_DIR: &str = "/app/deployment-scripts";

/// The entry script the image runs at boot, under [`SCRIPTS_DIR`].
pub const MAIN_SCRIPT: &str = "node-deployment/main.al";

/// The home directory `params.init` uses when `EDGELAKE_HOME` is unset.
pub const DEFAULT_HOME: &str = "/app/EdgeLake";
