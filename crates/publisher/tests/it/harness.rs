//! anvil as the parent chain with the suite deployed by the real `forge script`s, an in-memory batch
//! source of consistent hand-made batches, and helpers to read the settlement's counters and events.

use std::{
    collections::BTreeMap,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use alloy::{
    eips::BlockNumberOrTag,
    primitives::{B256, Bytes, U256, keccak256},
    providers::{Provider, RootProvider},
    rpc::types::Filter,
    signers::local::PrivateKeySigner,
    sol,
    sol_types::SolEvent,
    transports::http::reqwest::Url,
};
use fractal_primitives::{BatchHeader, ChainDeployment, Deployment, SealedBatch};
use fractal_publisher::{BatchSource, Prover, Publisher, PublisherConfig};
use tempfile::TempDir;

sol! {
    #[sol(rpc)]
    interface ISettlement {
        function totalBatchesCommitted() external view returns (uint64);
        function totalBatchesProven() external view returns (uint64);
        function totalBatchesExecuted() external view returns (uint64);
    }

    event BatchCommitted(uint64 indexed batchNumber, bytes32 batchHash, bytes32 newStateRoot, bytes32 messageRoot);
    event BatchProven(uint64 indexed batchNumber, bytes32 batchHash);
    event BatchExecuted(uint64 indexed batchNumber, bytes32 stateRoot, bytes32 messageRoot);
}

/// anvil's first development key: deployer, admin and operator of the registered chain.
pub(crate) const OPERATOR_KEY: &str =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/// anvil's second development key: a user.
pub(crate) const USER_KEY: &str =
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/// One `forge script` at a time: concurrent runs would race on the build cache.
static FORGE: Mutex<()> = Mutex::new(());

pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root")
}

/// A Foundry binary installed by `tools/bootstrap`.
fn foundry(tool: &str) -> PathBuf {
    let path = repo_root().join(format!(
        "node_modules/@foundry-rs/{tool}-linux-amd64/bin/{tool}"
    ));
    assert!(
        path.exists(),
        "{tool} is not installed ({} is missing): run `make bootstrap` first",
        path.display()
    );
    path
}

/// Runs a deployment script against `url`, writing its files to `dir`; fails after two minutes.
fn forge(url: &Url, dir: &Path, script: &str, env: &[(&str, &str)]) {
    let log = dir.join(format!("{}.log", script.replace('/', "_")));
    let file = std::fs::File::create(&log).unwrap();
    // `--slow`: each transaction waits for the previous one's receipt, as tools/deploy-local does.
    let mut child = Process(
        Command::new(foundry("forge"))
            .current_dir(repo_root())
            .args([
                "script",
                script,
                "--rpc-url",
                url.as_str(),
                "--broadcast",
                "--slow",
            ])
            .args(["--private-key", OPERATOR_KEY, "-q"])
            .env("FRACTAL_DEPLOYMENTS_DIR", dir)
            .envs(env.iter().copied())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .expect("running forge"),
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "forge script {script} did not finish within 2 minutes:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "forge script {script} failed:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A process killed on drop.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// anvil (automine) with the suite deployed and one chain registered (genesis root 0, calldata DA);
/// anvil is killed on drop.
pub(crate) struct L1 {
    _anvil: Process,
    _dir: TempDir,
    pub(crate) url: Url,
    pub(crate) provider: RootProvider,
    pub(crate) suite: Deployment,
    pub(crate) chain: ChainDeployment,
}

impl L1 {
    /// Starts anvil and deploys the suite with `script/Deploy.s.sol`, then registers chain `chain_id`
    /// with `script/RegisterChain.s.sol`.
    pub(crate) async fn start(chain_id: u64) -> Self {
        // `RUST_LOG=fractal_publisher=debug` shows the publisher's logs of a failing test.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let devnet = repo_root().join(".devnet");
        std::fs::create_dir_all(&devnet).unwrap();
        // forge's fs_permissions allow writes under .devnet only.
        let dir = tempfile::Builder::new()
            .prefix("publisher-it-")
            .tempdir_in(&devnet)
            .unwrap();
        let port = free_port();
        // The states anvil persists go to the test's directory (not ~/.foundry/anvil/tmp, where a
        // killed anvil leaves them).
        let anvil = Process(
            Command::new(foundry("anvil"))
                .args(["--port", &port.to_string(), "--silent", "--cache-path"])
                .arg(dir.path().join("anvil-states"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("starting anvil"),
        );
        let url: Url = format!("http://127.0.0.1:{port}").parse().unwrap();
        let provider = RootProvider::new_http(url.clone());
        let deadline = Instant::now() + Duration::from_secs(15);
        while provider.get_chain_id().await.is_err() {
            assert!(Instant::now() < deadline, "anvil did not answer on {url}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        {
            let _forge = FORGE.lock().unwrap_or_else(PoisonError::into_inner);
            forge(&url, dir.path(), "script/Deploy.s.sol", &[]);
            let id = chain_id.to_string();
            let env = [("CHAIN_LABEL", "publisher"), ("CHAIN_ID", id.as_str())];
            forge(&url, dir.path(), "script/RegisterChain.s.sol", &env);
        }
        let l1_id = provider.get_chain_id().await.unwrap();
        let read = |name: String| std::fs::read_to_string(dir.path().join(name)).unwrap();
        Self {
            suite: Deployment::from_json(&read(format!("{l1_id}.json"))).unwrap(),
            chain: ChainDeployment::from_json(&read(format!("{l1_id}-publisher.json"))).unwrap(),
            _anvil: anvil,
            _dir: dir,
            url,
            provider,
        }
    }

    /// The latest block's timestamp.
    pub(crate) async fn timestamp(&self) -> u64 {
        self.provider
            .get_block_by_number(BlockNumberOrTag::Latest)
            .await
            .unwrap()
            .unwrap()
            .header
            .timestamp
    }

    /// (committed, proven, executed) on the settlement.
    pub(crate) async fn counters(&self) -> (u64, u64, u64) {
        let s = ISettlement::new(self.chain.settlement, &self.provider);
        (
            s.totalBatchesCommitted().call().await.unwrap(),
            s.totalBatchesProven().call().await.unwrap(),
            s.totalBatchesExecuted().call().await.unwrap(),
        )
    }

    /// How many times event `E` was emitted for each batch number.
    pub(crate) async fn events<E: SolEvent>(&self) -> BTreeMap<u64, usize> {
        let filter = Filter::new()
            .address(self.chain.settlement)
            .event_signature(E::SIGNATURE_HASH)
            .from_block(0);
        let mut counts = BTreeMap::new();
        for log in self.provider.get_logs(&filter).await.unwrap() {
            let batch: u64 = U256::from_be_bytes(log.topics()[1].0).to();
            *counts.entry(batch).or_default() += 1;
        }
        counts
    }

    /// The operator's mined nonce.
    pub(crate) async fn operator_nonce(&self) -> u64 {
        self.provider
            .get_transaction_count(operator().address())
            .await
            .unwrap()
    }

    /// A publisher configuration for this chain with a fast poll.
    pub(crate) fn config(&self, data_dir: &Path) -> PublisherConfig {
        let mut config = PublisherConfig::new(
            self.url.clone(),
            self.chain.settlement,
            self.chain.chain_id,
            data_dir.to_path_buf(),
        );
        config.poll_interval = Duration::from_millis(50);
        config
    }
}

pub(crate) fn operator() -> PrivateKeySigner {
    OPERATOR_KEY.parse().unwrap()
}

/// The state root after batch `n` of the hand-made chain (0 is the genesis root registered).
pub(crate) fn root(n: u64) -> B256 {
    if n == 0 {
        B256::ZERO
    } else {
        B256::from(U256::from(1_000 + n))
    }
}

/// Batch `n` of the hand-made chain: continues `root(n - 1)`, ends at `root(n)`, commits to its pubdata
/// (block `n`, no write rows: the write binding of an empty run is `(P, y, length) = (0, 0, 0)`),
/// consumes no priority operation.
pub(crate) fn batch(n: u64, timestamp: u64) -> SealedBatch {
    let mut pubdata = vec![fractal_primitives::pubdata::PUBDATA_VERSION];
    pubdata.extend_from_slice(&n.to_be_bytes());
    pubdata.extend_from_slice(&n.to_be_bytes());
    pubdata.extend_from_slice(&0u32.to_be_bytes());
    let pubdata = Bytes::from(pubdata);
    SealedBatch {
        header: BatchHeader {
            batchNumber: n,
            timestamp,
            priorityOpsCount: 0,
            prevStateRoot: root(n - 1),
            newStateRoot: root(n),
            pubdataCommitment: keccak256(&pubdata),
            messageRoot: B256::ZERO,
            priorityOpsHash: B256::ZERO,
            childRootsAggregated: B256::ZERO,
            importedRootsHash: B256::ZERO,
            rowCommitment: B256::ZERO,
            writesEvaluation: B256::ZERO,
            writesLength: 0,
        },
        first_block: n,
        last_block: n,
        pubdata,
        messages: Vec::new(),
    }
}

/// Batches `1..=count` of the hand-made chain.
pub(crate) fn batches(count: u64, timestamp: u64) -> Vec<SealedBatch> {
    (1..=count).map(|n| batch(n, timestamp)).collect()
}

/// Sealed batches in memory, as a node would serve them.
#[derive(Debug, Clone, Default)]
pub(crate) struct MemorySource(Arc<Mutex<Vec<SealedBatch>>>);

impl MemorySource {
    pub(crate) fn new(batches: Vec<SealedBatch>) -> Self {
        Self(Arc::new(Mutex::new(batches)))
    }
}

impl BatchSource for MemorySource {
    async fn latest_batch(&self) -> fractal_publisher::Result<u64> {
        Ok(self.0.lock().unwrap().len() as u64)
    }

    async fn batch(&self, number: u64) -> fractal_publisher::Result<Option<SealedBatch>> {
        let batches = self.0.lock().unwrap();
        Ok(number
            .checked_sub(1)
            .and_then(|i| batches.get(i as usize).cloned()))
    }
}

/// Runs `publisher` until the settlement has executed `target` batches (then stops it the graceful
/// way) or until it returns by itself; returns what `run` returned.
pub(crate) async fn run_until_executed<S, P>(
    publisher: Publisher<S, P>,
    l1: &L1,
    target: u64,
) -> fractal_publisher::Result<()>
where
    S: BatchSource + 'static,
    P: Prover + 'static,
{
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut task = tokio::spawn(publisher.run(async {
        let _ = stopped.await;
    }));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        tokio::select! {
            result = &mut task => return result.expect("the publisher task"),
            () = tokio::time::sleep(Duration::from_millis(100)) => {}
        }
        if l1.counters().await.2 >= target {
            let _ = stop.send(());
            return task.await.expect("the publisher task");
        }
        assert!(
            Instant::now() < deadline,
            "batch {target} not executed within 30 s"
        );
    }
}
