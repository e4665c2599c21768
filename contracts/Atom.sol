// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Atom: the head of a Wetware image, on chain.
/// @notice A node started with `ww run --stem ADDRESS` boots from head() and
/// adopts each later head as a new epoch (doc/epochs.md, "On chain").
/// The cid is the UTF-8 text of a CID or of an /ipfs/CID path; the contract
/// stores it as given and leaves its validation to the nodes that read it.
contract Atom {
    /// The one account that may move the head: the deployer.
    address public immutable owner;

    uint64 private _seq;
    bytes private _cid;

    /// A new head. `seq` counts heads from 1; `cidHash` is keccak256(cid),
    /// indexed so that a reader can filter by content without the bytes.
    event HeadUpdated(uint64 indexed seq, address indexed writer, bytes cid, bytes32 indexed cidHash);

    /// setHead was called by an account other than the owner.
    error NotOwner(address caller, address owner);
    /// setHead was given the cid the head already has.
    error HeadUnchanged(uint64 seq);
    /// setHead was given no bytes: an empty head means "never set".
    error EmptyHead();

    constructor() {
        owner = msg.sender;
    }

    /// The current head: its sequence number (0 before the first setHead)
    /// and its cid (empty before the first setHead).
    function head() external view returns (uint64 seq, bytes memory cid) {
        return (_seq, _cid);
    }

    /// Moves the head to `cid`, counts it and announces it.
    function setHead(bytes calldata cid) external {
        if (msg.sender != owner) revert NotOwner(msg.sender, owner);
        if (cid.length == 0) revert EmptyHead();
        if (keccak256(cid) == keccak256(_cid)) revert HeadUnchanged(_seq);
        uint64 seq = _seq + 1;
        _seq = seq;
        _cid = cid;
        emit HeadUpdated(seq, msg.sender, cid, keccak256(cid));
    }
}
