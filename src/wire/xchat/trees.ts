/**
 * The ratchet-tree structs of X Chat (the official SDK's `thrift/trees.thrift`), as typed
 * descriptions. Only two things carry them: `ConversationKeyChangeEvent.ratchetTreeChange` and the
 * key-rotation payload (`rotation.ts`); X has not published their semantics, so chat-keykit builds
 * and reads them but gives them no meaning. Field names are ours; ids and types are the IDL's.
 *
 * @module
 */
import { field, required, struct, T, union } from '../thrift/index.js';

const S = T.string;
export const Member = /* @__PURE__ */ struct('Member', { userId: required(1, T.i64), keyVersion: required(2, T.i64) });
export const PubKeyBytes = /* @__PURE__ */ struct('PubKeyBytes', { pubKeyBytes: required(1, T.binary) });
export const MemberKeyInfo = /* @__PURE__ */ struct('MemberKeyInfo', {
  identityPublicKey: field(1, T.binary),
  signingPublicKey: field(2, T.binary),
  identityKeySignature: field(3, T.binary),
});
export const TreeKeyData = /* @__PURE__ */ struct('TreeKeyData', {
  publicKey: required(
    1,
    T.struct(() => PubKeyBytes),
  ),
  subTreeHash: required(2, T.binary),
});
export const TreeNode = /* @__PURE__ */ struct('TreeNode', {
  member: field(
    1,
    T.struct(() => Member),
  ),
  keyData: field(
    2,
    T.struct(() => TreeKeyData),
  ),
  nodeSecretKeyEncryptions: field(3, T.map(T.binary, T.binary)),
});
export const MaybeTreeNode = /* @__PURE__ */ struct('MaybeTreeNode', {
  node: field(
    1,
    T.struct(() => TreeNode),
  ),
});
const updateMap = T.map(T.i32, T.map(T.binary, T.binary));
const newPathPks = T.map(T.i32, T.binary);
const members = T.list(T.struct(() => Member));
export const GenGroupOpData = /* @__PURE__ */ struct('GenGroupOpData', {
  updateMap: field(1, updateMap),
  newPathPks: field(2, newPathPks),
  initialMembers: field(3, members),
});
export const EditOpData = /* @__PURE__ */ struct('EditOpData', {
  updateMap: field(1, updateMap),
  newPathPks: field(2, newPathPks),
  membersLeft: field(3, members),
  membersToAdd: field(4, members),
  membersUpdated: field(5, members),
  fullTreeList: field(6, T.list(T.struct(() => MaybeTreeNode))),
});
export const TypeData = /* @__PURE__ */ union('TypeData', {
  genGroup: field(
    1,
    T.struct(() => GenGroupOpData),
  ),
  edit: field(
    6,
    T.struct(() => EditOpData),
  ),
});
/** The ratchet-tree operation; id 5 is retired. */
export const GroupOpData = /* @__PURE__ */ struct('GroupOpData', {
  groupId: field(1, S),
  treeVersion: field(2, T.i64),
  actionBy: field(
    3,
    T.struct(() => Member),
  ),
  typeData: field(
    4,
    T.struct(() => TypeData),
  ),
  memberKeyInfo: field(
    6,
    T.map(
      T.i64,
      T.struct(() => MemberKeyInfo),
    ),
  ),
});
