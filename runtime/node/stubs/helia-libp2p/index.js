// Types-only stand-in (see package.json). `helia`'s index imports these
// names; Wetware never calls them: it builds Helia on its own libp2p node
// (runtime/node/ipfs.ts). A call means a code path we do not use.
const refuse = (name) => () => {
  throw new Error(`@helia/libp2p ${name} is not installed in Wetware: the node passes its own libp2p to Helia (runtime/node/ipfs.ts)`);
};
export const withLibp2p = refuse('withLibp2p');
export const withLibp2pLight = refuse('withLibp2pLight');
export const libp2pDefaults = refuse('libp2pDefaults');
