// The bundle-size page: a web app that creates groups imports just these three functions.
import { generateIdentity, prepareGroupCreate, createGroupRequest } from 'chat-keykit';

globalThis.keykit = { generateIdentity, prepareGroupCreate, createGroupRequest };
