// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IPriorityQueue, PriorityOp} from "../../../src/settlement/IPriorityQueue.sol";
import {PriorityQueue} from "../../../src/settlement/PriorityQueue.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @dev A parent-chain contract that forwards requests to the queue (its requests are aliased).
contract QueueCaller {
    function request(PriorityQueue q, address target, uint256 l2Value, uint256 gasLimit, bytes calldata data)
        external
        returns (uint64)
    {
        return q.requestTransaction(target, l2Value, gasLimit, data);
    }
}

/// @notice `PriorityQueue.requestTransaction` / `requestFromVault`: limits, aliasing, deadlines, and the
/// documented operation and rolling hashes.
contract PriorityQueueRequestTest is Fixture {
    address private constant TARGET = address(0x7A46E7);
    uint160 private constant DOCUMENTED_ALIAS_OFFSET = uint160(0x1111000000000000000000000000000000001111);

    uint256 private _min;
    uint256 private _max;
    uint256 private _maxData;

    function setUp() public override {
        super.setUp();
        _min = queue.MIN_GAS_LIMIT();
        _max = queue.MAX_GAS_LIMIT();
        _maxData = queue.MAX_DATA_SIZE();
    }

    function test_Limits() public view {
        assertEq(_min, 21_000);
        assertEq(_max, 16_777_216);
        assertEq(_maxData, 120_000);
    }

    // ------------------------------------------------------------------ requestTransaction

    function test_RequestFromEoa() public {
        bytes memory data = hex"deadbeef";
        PriorityOp memory op = PriorityOp({
            index: 0,
            l2Sender: USER,
            target: TARGET,
            mint: 0,
            l2Value: 5,
            gasLimit: 50_000,
            refundRecipient: USER,
            deadline: GENESIS_TIME + PRIORITY_TX_MAX_DELAY,
            data: data
        });
        bytes32 opHash = expectedOpHash(CHAIN_ID, op);
        bytes32 rolling = nextRollingHash(bytes32(0), opHash);

        vm.expectEmit(true, true, true, true, address(queue));
        emit IPriorityQueue.TransactionRequested(CHAIN_ID, 0, opHash, rolling, op);
        uint64 index = enqueueFrom(queue, USER, TARGET, 5, 50_000, data);

        assertEq(index, 0);
        assertEq(queue.length(), 1);
        assertEq(queue.head(), 0);
        assertEq(queue.rollingHashAt(0), bytes32(0));
        assertEq(queue.rollingHashAt(1), rolling);
        assertEq(queue.deadlineOf(0), GENESIS_TIME + PRIORITY_TX_MAX_DELAY);
        assertEq(queue.hashOp(CHAIN_ID, op), opHash);
        assertTrue(queue.isRequest(op));
    }

    function test_RequestFromPrankedContractIsAliased() public {
        address caller = address(0xC0FFEE);
        vm.prank(caller, USER); // msg.sender != tx.origin: a contract
        uint64 index = queue.requestTransaction(TARGET, 0, 50_000, "");
        address expectedAlias = address(uint160(caller) + DOCUMENTED_ALIAS_OFFSET);
        assertEq(expectedAlias, address(uint160(0x001111000000000000000000000000000000c110ff)));
        PriorityOp memory op = requestOp(queue, index, expectedAlias, caller, TARGET, 0, 0, 50_000, "");
        assertTrue(queue.isRequest(op));
        // Unaliased, it is not the request.
        op.l2Sender = caller;
        assertFalse(queue.isRequest(op));
    }

    function test_RequestFromRealContractIsAliased() public {
        QueueCaller caller = new QueueCaller();
        uint64 index = caller.request(queue, TARGET, 1, 60_000, hex"01");
        address expectedAlias = address(uint160(address(caller)) + DOCUMENTED_ALIAS_OFFSET);
        // The refund recipient is the contract itself: refunds happen on this chain, unaliased.
        PriorityOp memory op =
            requestOp(queue, index, expectedAlias, address(caller), TARGET, 0, 1, 60_000, hex"01");
        assertTrue(queue.isRequest(op));
    }

    function test_ApplyAlias() public {
        // The transaction's origin keeps its address.
        vm.prank(USER, USER);
        assertEq(queue.applyAlias(USER), USER);
        // Anything else is offset, modulo 2^160.
        vm.prank(USER, USER);
        assertEq(queue.applyAlias(STRANGER), address(uint160(STRANGER) + DOCUMENTED_ALIAS_OFFSET));
        vm.prank(USER, USER);
        assertEq(
            queue.applyAlias(address(type(uint160).max)), address(0x1111000000000000000000000000000000001110)
        );
        assertEq(aliasOf(address(type(uint160).max)), address(0x1111000000000000000000000000000000001110));
    }

    function testFuzz_ApplyAlias(address caller, address origin) public {
        vm.prank(caller, origin);
        address got = queue.applyAlias(caller);
        if (caller == origin) assertEq(got, caller);
        else assertEq(got, aliasOf(caller));
    }

    function test_GasLimitBoundsAccepted() public {
        enqueueFrom(queue, USER, TARGET, 0, _min, "");
        enqueueFrom(queue, USER, TARGET, 0, _max, "");
        assertEq(queue.length(), 2);
    }

    function test_RevertWhen_GasLimitBelowMin() public {
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(QueueGasLimitOutOfRange.selector, _min - 1, _min, _max));
        queue.requestTransaction(TARGET, 0, _min - 1, "");
    }

    function test_RevertWhen_GasLimitAboveMax() public {
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(QueueGasLimitOutOfRange.selector, _max + 1, _min, _max));
        queue.requestTransaction(TARGET, 0, _max + 1, "");
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(QueueGasLimitOutOfRange.selector, 0, _min, _max));
        queue.requestTransaction(TARGET, 0, 0, "");
    }

    function testFuzz_GasLimit(uint256 gasLimit) public {
        vm.prank(USER, USER);
        if (gasLimit < _min || gasLimit > _max) {
            vm.expectRevert(abi.encodeWithSelector(QueueGasLimitOutOfRange.selector, gasLimit, _min, _max));
            queue.requestTransaction(TARGET, 0, gasLimit, "");
            assertEq(queue.length(), 0);
        } else {
            queue.requestTransaction(TARGET, 0, gasLimit, "");
            assertEq(queue.length(), 1);
        }
    }

    function test_DataAtMaxSizeAccepted() public {
        bytes memory data = new bytes(_maxData);
        data[_maxData - 1] = 0x42;
        uint64 index = enqueueFrom(queue, USER, TARGET, 0, _min, data);
        assertTrue(queue.isRequest(requestOp(queue, index, USER, USER, TARGET, 0, 0, _min, data)));
    }

    function test_RevertWhen_DataTooLarge() public {
        bytes memory data = new bytes(_maxData + 1);
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(QueueDataTooLarge.selector, _maxData + 1, _maxData));
        queue.requestTransaction(TARGET, 0, _min, data);
    }

    function test_DeadlineFollowsRequestTime() public {
        enqueue(0);
        vm.warp(block.timestamp + 17 minutes);
        enqueue(1);
        assertEq(queue.deadlineOf(0), GENESIS_TIME + PRIORITY_TX_MAX_DELAY);
        assertEq(queue.deadlineOf(1), GENESIS_TIME + 17 minutes + PRIORITY_TX_MAX_DELAY);
    }

    function test_RevertWhen_DeadlineOfUnknownRequest() public {
        vm.expectRevert(abi.encodeWithSelector(QueueUnknownRequest.selector, 0, 0));
        queue.deadlineOf(0);
        enqueueMany(2);
        vm.expectRevert(abi.encodeWithSelector(QueueUnknownRequest.selector, 2, 2));
        queue.deadlineOf(2);
    }

    function test_RevertWhen_RollingHashBeyondLength() public {
        assertEq(queue.rollingHashAt(0), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(QueueUnknownRequest.selector, 1, 0));
        queue.rollingHashAt(1);
        enqueueMany(3);
        vm.expectRevert(abi.encodeWithSelector(QueueUnknownRequest.selector, 4, 3));
        queue.rollingHashAt(4);
    }

    // ------------------------------------------------------------------ requestFromVault

    function test_RequestFromVaultThroughDeposit() public {
        vm.deal(USER, 3 ether);
        vm.prank(USER, USER);
        uint64 index = vault.depositEth{value: 2 ether}(CHAIN_ID, STRANGER);
        uint256 gasLimit = vault.DEPOSIT_GAS_LIMIT();
        PriorityOp memory op = requestOp(queue, index, USER, USER, STRANGER, 2 ether, 2 ether, gasLimit, "");
        assertTrue(queue.isRequest(op));
        assertEq(queue.rollingHashAt(1), nextRollingHash(bytes32(0), expectedOpHash(CHAIN_ID, op)));
    }

    function test_RequestFromVaultEmitsFullOp() public {
        PriorityOp memory op = PriorityOp({
            index: 0,
            l2Sender: STRANGER,
            target: TARGET,
            mint: type(uint96).max,
            l2Value: 7,
            gasLimit: _min,
            refundRecipient: USER,
            deadline: GENESIS_TIME + PRIORITY_TX_MAX_DELAY,
            data: hex"abcd"
        });
        bytes32 opHash = expectedOpHash(CHAIN_ID, op);
        vm.expectEmit(true, true, true, true, address(queue));
        emit IPriorityQueue.TransactionRequested(CHAIN_ID, 0, opHash, nextRollingHash(0, opHash), op);
        vm.prank(address(vault));
        queue.requestFromVault(STRANGER, USER, TARGET, type(uint96).max, 7, _min, hex"abcd");
        assertTrue(queue.isRequest(op));
    }

    function test_RevertWhen_RequestFromVaultCallerNotVault() public {
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(QueueCallerNotVault.selector, STRANGER));
        queue.requestFromVault(STRANGER, STRANGER, TARGET, 1, 1, _min, "");
        vm.prank(address(settlement));
        vm.expectRevert(abi.encodeWithSelector(QueueCallerNotVault.selector, address(settlement)));
        queue.requestFromVault(STRANGER, STRANGER, TARGET, 1, 1, _min, "");
    }

    function test_RevertWhen_MintTooLarge() public {
        uint256 mint = uint256(type(uint96).max) + 1;
        vm.prank(address(vault));
        vm.expectRevert(abi.encodeWithSelector(QueueMintTooLarge.selector, mint));
        queue.requestFromVault(USER, USER, TARGET, mint, 0, _min, "");
    }

    function test_RevertWhen_ZeroRefundRecipient() public {
        vm.prank(address(vault));
        vm.expectRevert(abi.encodeWithSelector(QueueZeroRefundRecipient.selector));
        queue.requestFromVault(USER, address(0), TARGET, 1, 0, _min, "");
    }

    function test_RevertWhen_VaultRequestOutOfLimits() public {
        vm.prank(address(vault));
        vm.expectRevert(abi.encodeWithSelector(QueueGasLimitOutOfRange.selector, _max + 1, _min, _max));
        queue.requestFromVault(USER, USER, TARGET, 0, 0, _max + 1, "");
        bytes memory data = new bytes(_maxData + 1);
        vm.prank(address(vault));
        vm.expectRevert(abi.encodeWithSelector(QueueDataTooLarge.selector, _maxData + 1, _maxData));
        queue.requestFromVault(USER, USER, TARGET, 0, 0, _min, data);
    }

    function testFuzz_Mint(uint256 mint) public {
        vm.prank(address(vault));
        if (mint > type(uint96).max) {
            vm.expectRevert(abi.encodeWithSelector(QueueMintTooLarge.selector, mint));
            queue.requestFromVault(USER, USER, TARGET, mint, 0, _min, "");
        } else {
            uint64 index = queue.requestFromVault(USER, USER, TARGET, mint, 0, _min, "");
            assertTrue(queue.isRequest(requestOp(queue, index, USER, USER, TARGET, mint, 0, _min, "")));
        }
    }

    // ------------------------------------------------------------------ isRequest and hashes

    function test_IsRequestExactOpOnly() public {
        enqueue(0);
        bytes memory data = hex"c0de";
        vm.prank(address(vault));
        uint64 index = queue.requestFromVault(STRANGER, USER, TARGET, 3, 2, 70_000, data);
        enqueue(2);
        assertEq(index, 1);

        PriorityOp memory op = requestOp(queue, 1, STRANGER, USER, TARGET, 3, 2, 70_000, data);
        assertTrue(queue.isRequest(op));

        for (uint256 field = 0; field < 9; ++field) {
            PriorityOp memory t = requestOp(queue, 1, STRANGER, USER, TARGET, 3, 2, 70_000, data);
            if (field == 0) t.index = 0;
            if (field == 1) t.l2Sender = USER;
            if (field == 2) t.target = STRANGER;
            if (field == 3) t.mint = 4;
            if (field == 4) t.l2Value = 1;
            if (field == 5) t.gasLimit = 70_001;
            if (field == 6) t.refundRecipient = STRANGER;
            if (field == 7) t.deadline += 1;
            if (field == 8) t.data = hex"c0df";
            assertFalse(queue.isRequest(t));
        }
        // An index past the end is never a request.
        op.index = 3;
        assertFalse(queue.isRequest(op));
        op.index = type(uint64).max;
        assertFalse(queue.isRequest(op));
    }

    function test_HashOpBindsChainId() public view {
        PriorityOp memory op = PriorityOp({
            index: 0,
            l2Sender: USER,
            target: TARGET,
            mint: 0,
            l2Value: 0,
            gasLimit: _min,
            refundRecipient: USER,
            deadline: 1,
            data: ""
        });
        assertEq(queue.hashOp(CHAIN_ID, op), expectedOpHash(CHAIN_ID, op));
        assertTrue(queue.hashOp(CHAIN_ID, op) != queue.hashOp(CHAIN_ID + 1, op));
    }

    function testFuzz_HashOpMatchesDocumentedEncoding(uint256 chainId, PriorityOp memory op) public view {
        assertEq(queue.hashOp(chainId, op), expectedOpHash(chainId, op));
    }

    /// @dev A random sequence of requests (random senders, aliasing, values, gas, data, time between
    /// them): every rolling hash and deadline matches the documented recurrence computed here.
    function testFuzz_RollingHashRecomputed(uint256 seed, uint8 count) public {
        uint256 n = bound(count, 1, 12);
        bytes32 rolling = 0;
        for (uint256 i = 0; i < n; ++i) {
            uint256 s = uint256(keccak256(abi.encode(seed, i)));
            vm.warp(block.timestamp + (s % 600));
            address sender = address(uint160(s >> 96) | 1);
            bool asContract = (s & 1) == 1;
            address target = address(uint160(s));
            uint256 l2Value = (s >> 7) % 1000;
            uint256 gasLimit = bound(s >> 17, _min, _max);
            bytes memory data = abi.encodePacked(s >> (s % 200));

            vm.prank(sender, asContract ? USER : sender);
            uint64 index = queue.requestTransaction(target, l2Value, gasLimit, data);
            assertEq(index, i);

            PriorityOp memory op = PriorityOp({
                index: uint64(i),
                l2Sender: asContract ? aliasOf(sender) : sender,
                target: target,
                mint: 0,
                l2Value: l2Value,
                gasLimit: gasLimit,
                refundRecipient: sender,
                deadline: uint64(block.timestamp) + PRIORITY_TX_MAX_DELAY,
                data: data
            });
            rolling = nextRollingHash(rolling, expectedOpHash(CHAIN_ID, op));
            assertEq(queue.rollingHashAt(uint64(i + 1)), rolling);
            assertEq(queue.deadlineOf(uint64(i)), op.deadline);
            assertTrue(queue.isRequest(op));
        }
        assertEq(queue.length(), n);
    }
}
