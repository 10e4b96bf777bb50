//! `fractal rebuild`: a chain's state from its parent alone, with an optional cross-check of every
//! account against a running node.

use std::path::PathBuf;

use alloy::{
    eips::BlockId,
    providers::{Provider, ProviderBuilder},
};
use clap::Args;
use eyre::{Context, Result, bail};
use fractal_node::{chain::genesis_block, config::ChainConfig, rebuild::rebuild};
use fractal_primitives::ChainDeployment;

/// Options of `fractal rebuild`.
#[derive(Debug, Clone, Args)]
pub(crate) struct RebuildArgs {
    /// The parent chain's JSON-RPC URL.
    #[arg(long)]
    l1_rpc: String,
    /// The chain's deployment file (`<parent id>-<label>.json`, from `script/RegisterChain.s.sol`).
    #[arg(long)]
    chain_file: PathBuf,
    /// The chain's configuration (its genesis).
    #[arg(long)]
    config: PathBuf,
    /// Writes the rebuilt state (every account, slot and bytecode) as JSON.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Compares every rebuilt account with this node's state at the last rebuilt block.
    #[arg(long)]
    check_rpc: Option<String>,
}

pub(crate) async fn run(args: RebuildArgs) -> Result<()> {
    let chain = ChainDeployment::from_json(
        &std::fs::read_to_string(&args.chain_file)
            .wrap_err_with(|| format!("reading {}", args.chain_file.display()))?,
    )?;
    let config = ChainConfig::from_toml(
        &std::fs::read_to_string(&args.config)
            .wrap_err_with(|| format!("reading {}", args.config.display()))?,
    )
    .wrap_err_with(|| format!("in {}", args.config.display()))?;
    if config.chain_id != chain.chain_id {
        bail!(
            "{} is chain {}, {} is chain {}",
            args.config.display(),
            config.chain_id,
            args.chain_file.display(),
            chain.chain_id
        );
    }
    let genesis = genesis_block(&config).diff;
    let state = rebuild(
        &args.l1_rpc,
        chain.settlement,
        chain.registered_at_block,
        &genesis,
    )
    .await?;
    println!(
        "rebuilt chain {} from its parent: batch {} (block {}), {} executed on the parent, {} accounts, state root {}",
        chain.name,
        state.batch_number,
        state.last_block,
        state.executed,
        state.accounts.len(),
        state.state_root
    );
    if let Some(out) = &args.out {
        std::fs::write(out, serde_json::to_string_pretty(&state)?)
            .wrap_err_with(|| format!("writing {}", out.display()))?;
    }
    if let Some(url) = &args.check_rpc {
        let node = ProviderBuilder::new().connect_http(url.parse()?);
        let at = BlockId::number(state.last_block);
        let mut slots = 0;
        for (address, account) in &state.accounts {
            let balance = node.get_balance(*address).block_id(at).await?;
            let nonce = node.get_transaction_count(*address).block_id(at).await?;
            if balance != account.balance || nonce != account.nonce {
                bail!(
                    "{address} at block {}: rebuilt balance {} nonce {}, the node has balance {balance} nonce {nonce}",
                    state.last_block,
                    account.balance,
                    account.nonce
                );
            }
            for (slot, value) in &account.storage {
                let served = node.get_storage_at(*address, *slot).block_id(at).await?;
                if served != *value {
                    bail!(
                        "{address} slot {slot:#x} at block {}: rebuilt {value:#x}, the node has {served:#x}",
                        state.last_block
                    );
                }
                slots += 1;
            }
        }
        println!(
            "every rebuilt account ({}) and slot ({slots}) equals the node's at block {}",
            state.accounts.len(),
            state.last_block
        );
    }
    Ok(())
}
